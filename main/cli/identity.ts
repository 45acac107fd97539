/** `custos identity create|show`: self-signed signing identities for organisations without a PKI. */
import type { Command } from 'commander';
import { writeNewFile } from '../core/output/atomic-write.js';
import { loadIdentityFile, SigningIdentityError } from '../core/signing/identity.js';
import { createSelfSignedIdentity } from '../core/signing/self-signed.js';
import type { SignerSummary } from '../../shared/signing.js';
import { PasswordUnavailableError, readPassword } from './password-prompt.js';

export function register(program: Command): void {
  const identity = program.command('identity').description('Create or inspect the PKCS#12 signing identity used for seals and signed reports.');

  identity
    .command('create')
    .description('Create a self-signed signing identity (RSA, 3-year certificate) for organisations without a PKI.')
    .requiredOption('--name <name>', 'person or role that signs, e.g. "Privacy Office"')
    .requiredOption('--org <organisation>', 'organisation name')
    .option('--email <address>', 'contact e-mail written into the certificate')
    .option('--country <CC>', 'two-letter country code')
    .option('--bits <n>', 'RSA key size: 2048, 3072 or 4096', '3072')
    .option('--years <n>', 'validity in years', '3')
    .requiredOption('-o, --output <file.p12>', 'where to write the identity (never overwritten)')
    .action(async (options: { name: string; org: string; email?: string; country?: string; bits: string; years: string; output: string }) => {
      const bits = Number(options.bits);
      const years = Number(options.years);
      if (bits !== 2048 && bits !== 3072 && bits !== 4096) return usage('--bits must be 2048, 3072 or 4096.');
      if (!Number.isInteger(years) || years < 1 || years > 10) return usage('--years must be a whole number from 1 to 10.');
      try {
        const password = await readPassword('Password for the new identity: ', { confirm: true });
        const request = { name: options.name, organization: options.org, keyBits: bits, validityYears: years } as Parameters<typeof createSelfSignedIdentity>[0];
        if (options.email) request.email = options.email;
        if (options.country) request.country = options.country.toUpperCase();
        const p12 = createSelfSignedIdentity(request, password);
        writeNewFile(options.output, p12, 0o600);
        const loaded = loadIdentityFile(options.output, password);
        process.stdout.write(`Created ${options.output}\n${describe(loaded.summary)}`);
        process.stdout.write('Share the SHA-256 fingerprint with recipients through another channel: it is how they know a signature is yours.\n');
      } catch (error) {
        fail(error);
      }
    });

  identity
    .command('show')
    .description('Check a PKCS#12 signing identity (password, validity, key usage) and show its certificate.')
    .argument('<file.p12>')
    .action(async (file: string) => {
      try {
        const loaded = loadIdentityFile(file, await readPassword(`Password for ${file}: `));
        process.stdout.write(`${describe(loaded.summary)}OK: this identity can sign.\n`);
      } catch (error) {
        fail(error);
      }
    });
}

export function describe(summary: SignerSummary): string {
  return [
    `Signer:      ${summary.subject}`,
    `Issuer:      ${summary.selfSigned ? 'self-signed (nobody but the signer vouches for this certificate)' : summary.issuer}`,
    `Valid:       ${summary.validFrom} to ${summary.validTo}`,
    `SHA-256:     ${summary.fingerprintSha256}`,
    '',
  ].join('\n');
}

function usage(message: string): void {
  process.stderr.write(`custos: ${message}\n`);
  process.exitCode = 2;
}

function fail(error: unknown): void {
  const known = error instanceof SigningIdentityError || error instanceof PasswordUnavailableError || error instanceof Error;
  process.stderr.write(`custos: ${known ? (error as Error).message : String(error)}\n`);
  process.exitCode = 2;
}
