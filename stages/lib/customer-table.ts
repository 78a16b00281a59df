/**
 * @module The data contract of the raw customer table: its columns, their types, allowed values and
 * roles. ingest writes it, validate checks a table against it, featurize turns it into features and
 * the feature schema served with the model. To train on your own table, describe it here.
 */

interface ColumnBase {
  readonly name: string;
  readonly description: string;
  /** May the value be missing (an empty CSV field; null or absent in a request)? */
  readonly nullable: boolean;
}

export interface NumericColumn extends ColumnBase {
  readonly type: 'integer' | 'number';
  readonly min: number;
  readonly max: number;
  /** Applied before standardisation, for long-tailed amounts. */
  readonly transform?: 'log1p';
}

export interface CategoryColumn extends ColumnBase {
  readonly type: 'category';
  /** The complete set of allowed values; also the order of the one-hot features. */
  readonly categories: readonly string[];
}

export type FeatureColumn = NumericColumn | CategoryColumn;

export interface TableContract {
  /** Unique key of a row; not a feature. */
  readonly id: string;
  /** The label column, its values and the one that counts as positive. */
  readonly label: { readonly name: string; readonly categories: readonly [string, string]; readonly positive: string };
  readonly features: readonly FeatureColumn[];
}

const YES_NO = ['No', 'Yes'] as const;
const INTERNET_ADDON = ['No', 'No internet service', 'Yes'] as const;

export const customerTable: TableContract = {
  id: 'customer_id',
  label: { name: 'churn', categories: ['0', '1'], positive: '1' },
  features: [
    { name: 'gender', type: 'category', categories: ['Female', 'Male'], nullable: false, description: 'Gender on the account' },
    { name: 'senior_citizen', type: 'category', categories: YES_NO, nullable: false, description: 'Aged 65 or over' },
    { name: 'partner', type: 'category', categories: YES_NO, nullable: false, description: 'Has a partner' },
    { name: 'dependents', type: 'category', categories: YES_NO, nullable: false, description: 'Has dependents' },
    { name: 'tenure_months', type: 'integer', min: 0, max: 72, nullable: false, description: 'Months since the customer joined' },
    {
      name: 'contract',
      type: 'category',
      categories: ['Month-to-month', 'One year', 'Two year'],
      nullable: false,
      description: 'Contract term',
    },
    { name: 'phone_service', type: 'category', categories: YES_NO, nullable: false, description: 'Has a phone line' },
    {
      name: 'multiple_lines',
      type: 'category',
      categories: ['No', 'No phone service', 'Yes'],
      nullable: false,
      description: 'Has more than one phone line',
    },
    {
      name: 'internet_service',
      type: 'category',
      categories: ['DSL', 'Fiber optic', 'No'],
      nullable: false,
      description: 'Internet access type',
    },
    { name: 'online_security', type: 'category', categories: INTERNET_ADDON, nullable: false, description: 'Online security add-on' },
    { name: 'tech_support', type: 'category', categories: INTERNET_ADDON, nullable: true, description: 'Technical support add-on' },
    { name: 'streaming_tv', type: 'category', categories: INTERNET_ADDON, nullable: false, description: 'TV streaming add-on' },
    { name: 'paperless_billing', type: 'category', categories: YES_NO, nullable: false, description: 'Receives bills electronically' },
    {
      name: 'payment_method',
      type: 'category',
      categories: ['Bank transfer (automatic)', 'Credit card (automatic)', 'Electronic check', 'Mailed check'],
      nullable: true,
      description: 'How the customer pays',
    },
    { name: 'monthly_charges', type: 'number', min: 0, max: 250, nullable: true, description: 'Current monthly bill' },
    {
      name: 'total_charges',
      type: 'number',
      min: 0,
      max: 20000,
      nullable: true,
      transform: 'log1p',
      description: 'Billed since joining (missing for customers not billed yet)',
    },
    { name: 'support_tickets', type: 'integer', min: 0, max: 50, nullable: true, description: 'Support tickets in the last 6 months' },
  ],
};

/** Column names in file order: id, features, label. */
export function contractColumns(contract: TableContract): string[] {
  return [contract.id, ...contract.features.map((f) => f.name), contract.label.name];
}
