/**
 * @module Derives the feature schema (format: serve/model/feature-schema.ts) from the data
 * contract: a JSON Schema of one raw input row. The inference service validates requests with it
 * unchanged (serve/model/validate-row.ts), so a bad field gets an answer naming it. Nullable
 * columns may be null or left out: the preprocessing spec imputes them.
 */
import { FEATURE_SCHEMA_DIALECT, type FeatureSchema } from '../../serve/model/index.js';
import type { FeatureColumn, TableContract } from './customer-table.js';

function columnSchema(column: FeatureColumn): FeatureSchema['properties'][string] {
  if (column.type === 'category') {
    return { description: column.description, enum: column.nullable ? [...column.categories, null] : [...column.categories] };
  }
  return {
    description: column.description,
    type: column.nullable ? [column.type, 'null'] : column.type,
    minimum: column.min,
    maximum: column.max,
  };
}

export function featureSchema(contract: TableContract): FeatureSchema {
  return {
    $schema: FEATURE_SCHEMA_DIALECT,
    title: 'One raw input row of the churn model',
    type: 'object',
    properties: {
      [contract.id]: { description: 'Optional key of the row, echoed back, not a feature', type: 'string' },
      ...Object.fromEntries(contract.features.map((c) => [c.name, columnSchema(c)])),
    },
    required: contract.features.filter((c) => !c.nullable).map((c) => c.name),
    additionalProperties: false,
  };
}
