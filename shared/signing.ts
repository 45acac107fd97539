/** Who signed a seal or a report, as every view shows it. */
export interface SignerSummary {
  /** The certificate's subject common name (the person or role that signed). */
  commonName: string;
  organization: string | null;
  /** The full subject as one line, e.g. "CN=Privacy Office, O=Klinik Nord". */
  subject: string;
  issuer: string;
  serialNumber: string;
  /** SHA-256 fingerprint of the DER certificate, lowercase hex with colons. */
  fingerprintSha256: string;
  /** ISO 8601 UTC. */
  validFrom: string;
  validTo: string;
  /** True when the certificate is its own issuer: nobody but the signer vouches for it. */
  selfSigned: boolean;
  certificatePem: string;
}

/** What happened to one sealed file since it was sealed. */
export type SealedFileStatus =
  | 'unchanged' // same bytes as sealed
  | 'appended' // new entries after the sealed prefix, which is unchanged (expected for live logs)
  | 'truncated' // fewer bytes or lines than sealed
  | 'rechained' // chain intact but its head differs from the sealed head: rewritten and re-hashed
  | 'replaced' // content differs from what was sealed
  | 'missing' // sealed but not found or not verified
  | 'unsealed'; // verified now but not part of the seal

export interface SealedFileCheck {
  /** Path of the file as verified now (or as sealed, when missing). */
  path: string;
  sealedPath: string | null;
  status: SealedFileStatus;
  sealedLines: number | null;
  lines: number | null;
  sealedSize: number | null;
  size: number | null;
}

/** The outcome of checking a seal against the files verified now. */
export interface SealCheckSummary {
  sealPath: string;
  createdAt: string | null;
  /** Whether the seal's own signature verified; when false, nothing else in it can be trusted. */
  signatureValid: boolean;
  /** Why the signature did not verify, in plain language. */
  signatureProblem: string | null;
  signer: SignerSummary | null;
  files: SealedFileCheck[];
}

export interface CreateIdentityRequest {
  /** Where to write the new .p12 file (never overwritten). */
  path: string;
  name: string;
  organization: string;
  email?: string;
  password: string;
}

export interface SealCreated {
  path: string;
  files: number;
  signer: SignerSummary;
}
