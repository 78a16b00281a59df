/**
 * @module The OpenAPI 3.1 document of the service (GET /openapi.json), generated from the model's
 * feature schema: the request row is that schema (OpenAPI 3.1 schemas are JSON Schema), so the
 * document and the validator cannot disagree.
 */
import type { FeatureSchema } from './model/index.js';

const json = (schema: unknown) => ({ 'application/json': { schema } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const errorResponse = (description: string) => ({ description, content: json(ref('Error')) });
const BAD_INPUT = {
  '400': errorResponse('Malformed JSON, or a body that is not what the route takes'),
  '413': errorResponse('Body larger than the limit'),
  '415': errorResponse('Content type the route does not take'),
  '422': errorResponse('A row that does not fit the feature schema; `fields` names each field and what is wrong'),
};

export function openApiDocument({ name, version, schema, v2Name }: { name: string; version: string | null; schema: FeatureSchema; v2Name: string }): Record<string, unknown> {
  const { $schema: _dialect, ...row } = schema;
  void _dialect;
  const v2Tensor = {
    type: 'object',
    required: ['name', 'shape', 'datatype', 'data'],
    properties: { name: { type: 'string' }, shape: { type: 'array', items: { type: 'integer' } }, datatype: { type: 'string' }, parameters: { type: 'object' }, data: { type: 'array' } },
  };
  return {
    openapi: '3.1.0',
    info: { title: `${name} inference service (pipe serve)`, version: version ?? 'unversioned', description: 'Predictions from raw rows, validated against the feature schema and preprocessed exactly as in training.' },
    paths: {
      '/predict': {
        post: {
          summary: 'Score one raw row',
          requestBody: { required: true, content: json(ref('Row')) },
          responses: { '200': { description: 'The prediction', content: json(ref('Prediction')) }, ...BAD_INPUT },
        },
      },
      '/predict/batch': {
        post: {
          summary: 'Score many rows: a JSON array, NDJSON (one row a line) or CSV with a header; an invalid row gets an error entry, the others are scored',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { type: 'array', items: ref('Row') } }, 'application/x-ndjson': { schema: { type: 'string' } }, 'text/csv': { schema: { type: 'string' } } },
          },
          responses: { '200': { description: 'One result per row, in order', content: json(ref('BatchResult')) }, ...BAD_INPUT },
        },
      },
      '/health/live': { get: { summary: 'The process answers', responses: { '200': { description: 'Live' } } } },
      '/health/ready': { get: { summary: 'A model is loaded and warmed', responses: { '200': { description: 'Ready' }, '503': { description: 'Not ready' } } } },
      '/model': { get: { summary: 'The served model: name, version, stage, commit, hash, params, metrics, backend, loaded-at', responses: { '200': { description: 'The model', content: json({ type: 'object' }) } } } },
      '/metrics': { get: { summary: 'Prometheus metrics (text exposition format)', responses: { '200': { description: 'Metrics', content: { 'text/plain': { schema: { type: 'string' } } } } } } },
      '/v2/health/live': { get: { summary: 'KServe V2: server live', responses: { '200': { description: 'Live' } } } },
      '/v2/health/ready': { get: { summary: 'KServe V2: server ready', responses: { '200': { description: 'Ready' }, '400': { description: 'Not ready' } } } },
      [`/v2/models/${v2Name}`]: { get: { summary: 'KServe V2: model metadata', responses: { '200': { description: 'Metadata', content: json({ type: 'object' }) } } } },
      [`/v2/models/${v2Name}/ready`]: { get: { summary: 'KServe V2: model ready', responses: { '200': { description: 'Ready' } } } },
      [`/v2/models/${v2Name}/infer`]: {
        post: {
          summary: 'KServe V2 inference: one input tensor per feature column (shape [N]), or one FP32 "features" tensor [N, width] already preprocessed',
          requestBody: { required: true, content: json({ type: 'object', required: ['inputs'], properties: { id: { type: 'string' }, inputs: { type: 'array', items: v2Tensor }, outputs: { type: 'array' } } }) },
          responses: { '200': { description: 'Outputs probability (FP32) and label (INT64)', content: json({ type: 'object' }) }, '400': errorResponse('Bad request') },
        },
      },
      [`/v2/models/${v2Name}/versions/{version}`]: { parameters: [{ name: 'version', in: 'path', required: true, description: 'The served version (GET /model); another is a 404', schema: { type: 'string' } }], get: { summary: 'KServe V2: model metadata, for the served version', responses: { '200': { description: 'Metadata', content: json({ type: 'object' }) }, '404': errorResponse('Not the served version') } } },
      [`/v2/models/${v2Name}/versions/{version}/ready`]: { parameters: [{ name: 'version', in: 'path', required: true, description: 'The served version (GET /model); another is a 404', schema: { type: 'string' } }], get: { summary: 'KServe V2: model ready, for the served version', responses: { '200': { description: 'Ready' }, '404': errorResponse('Not the served version') } } },
      [`/v2/models/${v2Name}/versions/{version}/infer`]: {
        parameters: [{ name: 'version', in: 'path', required: true, description: 'The served version (GET /model); another is a 404', schema: { type: 'string' } }],
        post: {
          summary: 'KServe V2 inference by the served version (never a canary): one input tensor per feature column (shape [N]), or one FP32 "features" tensor [N, width] already preprocessed',
          requestBody: { required: true, content: json({ type: 'object', required: ['inputs'], properties: { id: { type: 'string' }, inputs: { type: 'array', items: v2Tensor }, outputs: { type: 'array' } } }) },
          responses: { '200': { description: 'Outputs probability (FP32) and label (INT64)', content: json({ type: 'object' }) }, '400': errorResponse('Bad request') },
        },
      },
    },
    components: {
      schemas: {
        Row: row,
        Prediction: {
          type: 'object',
          required: ['probability', 'label', 'threshold', 'model'],
          properties: {
            probability: { type: 'number', minimum: 0, maximum: 1 },
            label: { type: 'integer', enum: [0, 1], description: '1 when probability ≥ threshold' },
            threshold: { type: 'number' },
            id: { type: 'string', description: "The row's key, when it has one" },
            model: { type: 'object', properties: { name: { type: 'string' }, version: { type: ['string', 'null'] } } },
          },
        },
        BatchResult: {
          type: 'object',
          properties: {
            results: { type: 'array', items: { oneOf: [{ type: 'object', required: ['index', 'probability', 'label'] }, { type: 'object', required: ['index', 'error', 'fields'] }] } },
            scored: { type: 'integer' },
            invalid: { type: 'integer' },
            threshold: { type: 'number' },
            model: { type: 'object' },
          },
        },
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: { type: 'string' },
            code: { type: 'string' },
            fields: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, kind: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
  };
}
