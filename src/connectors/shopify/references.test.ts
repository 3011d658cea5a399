import { describe, expect, it } from 'vitest';
import type { ShopifyGraphQLClient } from './client.ts';
import { locationCodePrefix, ShopifyReferences } from './references.ts';

/** A client that answers the Locations query with these names (gid = index + 1). */
function clientWithLocations(names: string[]): ShopifyGraphQLClient {
  const nodes = names.map((name, index) => ({ id: `gid://shopify/Location/${index + 1}`, name }));
  return { request: async () => ({ locations: { nodes } }) } as unknown as ShopifyGraphQLClient;
}

describe('Shopify location codes', () => {
  it('takes a code-like first word of a location name as its code', () => {
    expect(locationCodePrefix('DC-EAST DC East')).toBe('DC-EAST');
    expect(locationCodePrefix('STORE-001 Store 001 Downtown')).toBe('STORE-001');
    expect(locationCodePrefix('Main Warehouse')).toBeUndefined();
    expect(locationCodePrefix('DC-EAST')).toBeUndefined();
  });

  it('finds a location by its whole name or by the code its name starts with, and names it by that code', async () => {
    const references = new ShopifyReferences(clientWithLocations(['DC-EAST DC East', 'Main Warehouse', 'STORE-001 Downtown']));
    expect(await references.locationId('DC-EAST', {})).toBe('gid://shopify/Location/1');
    expect(await references.locationId('DC-EAST-DC-EAST', {})).toBe('gid://shopify/Location/1');
    expect(await references.locationId('MAIN-WAREHOUSE', {})).toBe('gid://shopify/Location/2');
    expect(await references.locationId('MAIN', {})).toBeUndefined();
    expect(await references.locationCode('gid://shopify/Location/3', {})).toBe('STORE-001');
    expect(await references.locationCode('gid://shopify/Location/2', {})).toBe('MAIN-WAREHOUSE');
  });

  it('lets a location whose whole name is a code keep it over another location named with it as a prefix', async () => {
    const references = new ShopifyReferences(clientWithLocations(['STORE-001 Old Downtown', 'Store 001']));
    expect(await references.locationId('STORE-001', {})).toBe('gid://shopify/Location/2');
  });
});
