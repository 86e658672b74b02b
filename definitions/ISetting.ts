/** A workspace setting as stored in `rocketchat_settings` and declared in code. */

export type SettingType = 'boolean' | 'string' | 'int' | 'select' | 'code' | 'password' | 'action';

export type SettingValue = string | number | boolean;

export interface ISettingDefinition {
  _id: string;
  type: SettingType;
  /** The value shipped with the code. */
  packageValue: SettingValue;
  group: string;
  section?: string;
  /** Never returned by any API, never logged. */
  secret?: boolean;
  /** Readable without authentication. */
  public?: boolean;
  /** For `select`: the allowed values. */
  values?: { key: string; i18nLabel: string }[];
  multiline?: boolean;
  /** For `int`. */
  min?: number;
  max?: number;
  i18nDescription?: string;
  /**
   * For `code` settings holding JSON: a non-empty value must parse to a JSON object with these keys set to
   * non-empty strings (e.g. the FCM service account's `project_id`, `client_email`, `private_key`).
   */
  json?: { requiredKeys: string[] };
  /**
   * For `code` settings holding PEM text: a non-empty value must contain a PEM block of this kind (a certificate,
   * or a private key in any of its PEM forms). Only the envelope is checked here; parsing the key material is the
   * job of whoever accepts an upload (it needs the passphrase, which lives in another setting).
   */
  pem?: { kind: 'certificate' | 'private-key' };
  /** Managed by the server (e.g. `uniqueID`): never changed through the API. */
  readonly?: boolean;
}

export interface ISetting extends ISettingDefinition {
  value: SettingValue;
  _updatedAt: Date;
}
