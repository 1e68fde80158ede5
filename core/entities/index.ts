import type { Product } from '../config.ts';
import { confluence } from './confluence.ts';
import type { ProductDef } from './entity.ts';
import { jira } from './jira.ts';

export const PRODUCTS: Record<Product, ProductDef> = { confluence, jira };

export function productDef(product: Product): ProductDef {
  return PRODUCTS[product];
}
