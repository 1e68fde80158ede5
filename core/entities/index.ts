import type { Product } from '../config.ts';
import { confluence } from './confluence.ts';
import type { EntityDef, ProductDef } from './entity.ts';
import { jira } from './jira.ts';

export const PRODUCTS: Record<Product, ProductDef> = { confluence, jira };

export function productDef(product: Product): ProductDef {
  return PRODUCTS[product];
}

/** The product's entity of that name. */
export function entityOf(product: Product, name: string): EntityDef | undefined {
  return PRODUCTS[product].entities.find((e) => e.name === name);
}

/** Whether an export in this schema version writes the entity. */
export function inSchemaVersion(entity: EntityDef, version: number): boolean {
  return !entity.versions || entity.versions.includes(version);
}

/** The schema version an export writes unless it asks for another. */
export function activeSchemaVersion(product: ProductDef): number {
  return product.schemaVersions.find((s) => s.status === 'ACTIVE')!.version;
}
