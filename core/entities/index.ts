import type { Product } from '../config.ts';
import { confluence } from './confluence.ts';
import type { ProductDef } from './entity.ts';
import { jira } from './jira.ts';

export const PRODUCTS: Record<Product, ProductDef> = { confluence, jira };

export function productDef(product: Product): ProductDef {
  return PRODUCTS[product];
}

/** The schema version an export writes unless it asks for another. */
export function activeSchemaVersion(product: ProductDef): number {
  return product.schemaVersions.find((s) => s.status === 'ACTIVE')!.version;
}
