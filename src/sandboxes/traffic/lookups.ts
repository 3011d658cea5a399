import type { SystemClients } from './clients.ts';

export interface ShopifyDirectory {
  customerIdByEmail: Map<string, string>;
  locationIdByCode: Map<string, string>;
}

export interface SalesforceDirectory {
  accountIdByCustomerNumber: Map<string, string>;
  /** Standard price book entries by SKU (Product2.StockKeepingUnit). */
  pricebookEntryIdBySku: Map<string, string>;
}

/**
 * Ids the generator reads once from the systems themselves, as a real client would (the
 * Shopify customer and location gids, the Salesforce account and price book entry ids).
 * A failed read is retried on the next use.
 */
export class SystemLookups {
  private shopify: Promise<ShopifyDirectory> | undefined;
  private salesforce: Promise<SalesforceDirectory> | undefined;

  constructor(private readonly clients: SystemClients) {}

  shopifyIds(): Promise<ShopifyDirectory> {
    this.shopify ??= this.loadShopify().catch((error: unknown) => {
      this.shopify = undefined;
      throw error;
    });
    return this.shopify;
  }

  salesforceIds(): Promise<SalesforceDirectory> {
    this.salesforce ??= this.loadSalesforce().catch((error: unknown) => {
      this.salesforce = undefined;
      throw error;
    });
    return this.salesforce;
  }

  private async loadShopify(): Promise<ShopifyDirectory> {
    const reply = await this.clients.shopifyGraphql('{ customers(first: 250) { nodes { id email } } locations(first: 50) { nodes { id name } } }');
    const data = (reply.body as { data?: { customers?: { nodes?: { id: string; email: string | null }[] }; locations?: { nodes?: { id: string; name: string }[] } } } | null)?.data;
    if (reply.status !== 200 || !data) throw new Error(`Shopify lookup answered ${reply.status}`);
    const customerIdByEmail = new Map((data.customers?.nodes ?? []).filter((c) => c.email).map((c) => [String(c.email).toLowerCase(), c.id]));
    // Sandbox locations are named "<code> <name>" (see run-all.ts).
    const locationIdByCode = new Map((data.locations?.nodes ?? []).map((l) => [l.name.split(' ')[0] ?? l.name, l.id]));
    return { customerIdByEmail, locationIdByCode };
  }

  private async loadSalesforce(): Promise<SalesforceDirectory> {
    const query = async (soql: string) => {
      const reply = await this.clients.salesforce('GET', `/query?q=${encodeURIComponent(soql)}`);
      const records = (reply.body as { records?: Record<string, string | null>[] } | null)?.records;
      if (reply.status !== 200 || !records) throw new Error(`Salesforce query answered ${reply.status}`);
      return records;
    };
    const accounts = await query('SELECT Id, External_Id__c FROM Account WHERE External_Id__c != null');
    const products = await query('SELECT Id, StockKeepingUnit FROM Product2 WHERE IsActive = true');
    const entries = await query(`SELECT Id, Product2Id FROM PricebookEntry WHERE Pricebook2Id = '${this.clients.directory.salesforce.standardPricebookId}'`);
    const skuByProductId = new Map(products.map((p) => [String(p.Id), String(p.StockKeepingUnit)]));
    return {
      accountIdByCustomerNumber: new Map(accounts.map((a) => [String(a.External_Id__c), String(a.Id)])),
      pricebookEntryIdBySku: new Map(entries.flatMap((e) => {
        const sku = skuByProductId.get(String(e.Product2Id));
        return sku ? [[sku, String(e.Id)] as const] : [];
      })),
    };
  }
}
