/**
 * @module The feature schema: a JSON Schema (draft-07) of one raw input row, derived from the data
 * contract. The inference service validates requests with it unchanged, so a bad field gets a 400
 * naming it. Nullable columns may be null or left out: the preprocessing spec imputes them.
 */
import type { FeatureColumn, TableContract } from './customer-table.js';

export type JsonSchema = Readonly<Record<string, unknown>>;

function columnSchema(column: FeatureColumn): JsonSchema {
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

export function featureSchema(contract: TableContract): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
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
