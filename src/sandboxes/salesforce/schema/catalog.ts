import { inventoryLevel, productReturn, shipment } from './custom-objects.ts';
import { account, contact, order, orderItem, pricebook2, pricebookEntry, product2, supportCase } from './standard-objects.ts';
import type { FieldDef, ObjectDef } from './types.ts';

/** Objects of the sandbox org, looked up case-insensitively as the API does. */
export class SchemaCatalog {
  readonly objects: ObjectDef[];
  readonly #byName = new Map<string, ObjectDef>();
  readonly #byPrefix = new Map<string, ObjectDef>();
  readonly #fields = new Map<string, Map<string, FieldDef>>();

  constructor(objects: ObjectDef[] = defaultObjects()) {
    this.objects = objects;
    for (const object of objects) {
      this.#byName.set(object.name.toLowerCase(), object);
      this.#byPrefix.set(object.keyPrefix, object);
      this.#fields.set(object.name, new Map(object.fields.map((f) => [f.name.toLowerCase(), f])));
    }
  }

  object(name: string): ObjectDef | undefined {
    return this.#byName.get(name.toLowerCase());
  }

  objectForId(id: string): ObjectDef | undefined {
    return this.#byPrefix.get(id.slice(0, 3));
  }

  field(object: ObjectDef, name: string): FieldDef | undefined {
    return this.#fields.get(object.name)?.get(name.toLowerCase());
  }
}

export function defaultObjects(): ObjectDef[] {
  return [account, contact, product2, pricebook2, pricebookEntry, order, orderItem, supportCase, shipment, inventoryLevel, productReturn];
}
