import { useRef, useState } from 'react';
import type { ReportVerification } from '../../shared/report';
import type { ErrorInfo } from '../../shared/result';
import type { SealCheckSummary, SealCreated, SealedFileStatus, SignerSummary } from '../../shared/signing';
import type { Verdict } from '../../shared/verification';
import { useApi } from '../components/ApiContext';
import { explainExportError } from '../store/exportSlice';
import { useCustos } from '../store/store';
import { Explainer, folderAndName } from './Evidence';
import '../export.css';

type Outcome<T> = { value: T; error: null } | { value: null; error: { message: string; hint: string } } | null;

const failed = <T,>(error: ErrorInfo): Outcome<T> => ({ value: null, error: explainExportError(error) });

const FILE_STATUS_TEXT: Record<ReportVerification['files'][number]['status'], string> = {
  unchanged: 'matches',
  appended: 'matches (appended since)',
  changed: 'MISMATCH',
  missing: 'not found',
};

const SEALED_STATUS_TEXT: Record<SealedFileStatus, string> = {
  unchanged: 'unchanged',
  appended: 'appended since sealing (sealed part unchanged)',
  truncated: 'CUT SHORT since sealing',
  rechained: 'REWRITTEN and re-hashed',
  replaced: 'REPLACED',
  missing: 'missing',
  unsealed: 'not part of the seal',
};

/** Checks a signed Custos report, and holds the signing tools: a self-signed identity and the archive seal. */
export function VerifyReportView() {
  const api = useApi();
  const openFiles = useCustos((state) => state.summary?.files.length ?? 0);
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome<ReportVerification>>(null);

  const verify = async (event: React.FormEvent) => {
    event.preventDefault();
    const target = path.trim();
    if (!target) return setOutcome({ value: null, error: { message: 'No report was chosen.', hint: 'Type the path of a signed PDF report, or use Choose….' } });
    setBusy(true);
    const result = await api.invoke('reports.verify', { path: target });
    setBusy(false);
    setOutcome(result.ok ? { value: result.value, error: null } : failed(result.error));
  };

  return (
    <section className="view analysis-view" aria-labelledby="verify-title">
      <div className="view-header">
        <h1 id="verify-title">Verify a signed report</h1>
      </div>
      <Explainer>
        Checks that a PDF report's signature is valid and covers the whole document (nothing was added or changed after signing), shows who signed
        it, and re-checks the evidence attached inside it — every archive file's size and SHA-256 — against the files on this computer, including the{' '}
        {openFiles} archive file{openFiles === 1 ? '' : 's'} open now.
      </Explainer>
      <form className="panel analysis-form" onSubmit={(event) => void verify(event)} aria-label="Report to verify">
        <PathField label="Signed PDF report" ariaLabel="Signed PDF report" value={path} onChange={setPath} placeholder="/home/me/integrity-certificate.pdf" />
        <button className="button button--primary" type="submit" disabled={busy}>
          {busy ? 'Verifying…' : 'Verify'}
        </button>
      </form>
      {busy && (
        <p className="export-progress" role="status">
          <span className="export-spinner" aria-hidden="true" /> Checking the signature and re-reading the evidence files…
        </p>
      )}
      <ProblemPanel outcome={outcome} title="The report could not be checked." />
      {outcome?.value && <VerificationResult verification={outcome.value} />}
      <h2>Signing</h2>
      <CreateIdentity />
      <SealArchives openFiles={openFiles} />
    </section>
  );
}

function ProblemPanel({ outcome, title }: { outcome: Outcome<unknown>; title: string }) {
  if (!outcome?.error) return null;
  return (
    <div className="panel panel--error" role="alert">
      <strong>{title}</strong> {outcome.error.message} <span className="export-hint">{outcome.error.hint}</span>
    </div>
  );
}

function VerificationResult({ verification: v }: { verification: ReportVerification }) {
  const trusted = v.signed && v.signatureValid && v.coversWholeDocument;
  const headline = !v.signed
    ? 'This PDF is not signed: nothing proves it is unchanged.'
    : !v.signatureValid
      ? 'The signature is NOT valid: the document was changed after signing, or the signature is damaged.'
      : !v.coversWholeDocument
        ? 'The signature is valid but does NOT cover the whole document: content was added after signing.'
        : 'The signature is valid and covers the whole document.';
  const mismatches = v.files.filter((file) => file.status === 'changed').length;
  return (
    <div className="panel verify-result" aria-label="Verification result" data-testid="verify-result">
      <p className={`verify-status ${trusted ? 'verify-status--ok' : 'verify-status--bad'}`} data-testid="verify-headline">
        <strong>{headline}</strong>
      </p>
      <dl className="facts">
        <dt>File</dt>
        <dd>
          <code>{v.path}</code>
        </dd>
        {v.signer && <SignerFacts signer={v.signer} />}
        <dt>Signing time</dt>
        <dd>{v.signingTime ?? '—'}</dd>
        {v.reason && (
          <>
            <dt>Reason</dt>
            <dd>{v.reason}</dd>
          </>
        )}
        {v.location && (
          <>
            <dt>Location</dt>
            <dd>{v.location}</dd>
          </>
        )}
        {v.evidence && (
          <>
            <dt>Report</dt>
            <dd>
              {v.evidence.report.title} — {v.evidence.report.organization}, generated {v.evidence.report.generatedAt} by {v.evidence.report.generatedBy} (Custos{' '}
              {v.evidence.report.custosVersion}){v.evidence.rows.length > 0 ? `; ${v.evidence.rows.length} rows` : ''}; query: {v.evidence.report.query}
            </dd>
          </>
        )}
      </dl>
      {v.problems.length > 0 && (
        <ul className="field-error" aria-label="Problems">
          {v.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      {v.evidence === null ? (
        <p className="muted">The PDF carries no Custos evidence attachment, so its claims cannot be re-checked against the archive.</p>
      ) : (
        <>
          <h3>Evidence re-checked against the archive files</h3>
          <p className={mismatches > 0 ? 'field-error' : 'muted'}>
            {mismatches > 0
              ? `${mismatches} ${mismatches === 1 ? 'file differs' : 'files differ'} from what the report was made from: the report's claims no longer hold for ${mismatches === 1 ? 'it' : 'them'}.`
              : 'No file differs from what the report was made from.'}
          </p>
          <div className="table-wrap">
            <table className="table" aria-label="Evidence files">
              <thead>
                <tr>
                  <th>File</th>
                  <th>Result</th>
                  <th>Detail</th>
                </tr>
              </thead>
              <tbody>
                {v.files.map((file) => (
                  <tr key={file.path} data-testid="evidence-file">
                    <td title={file.path}>{folderAndName(file.path)}</td>
                    <td>
                      <span className={`pill${file.status === 'changed' ? ' pill--danger' : file.status === 'missing' ? ' pill--warning' : ' pill--ok'}`}>{FILE_STATUS_TEXT[file.status]}</span>
                    </td>
                    <td>{file.detail}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}

function SignerFacts({ signer }: { signer: SignerSummary }) {
  return (
    <>
      <dt>Signer</dt>
      <dd>
        {signer.commonName}
        {signer.organization ? `, ${signer.organization}` : ''}
        {signer.selfSigned && (
          <span className="warning-text" data-testid="self-signed-note">
            {' '}
            — self-signed: only the signer vouches for this certificate. Compare its fingerprint with one the signer gave you another way.
          </span>
        )}
      </dd>
      <dt>Issuer</dt>
      <dd>{signer.issuer}</dd>
      <dt>Fingerprint (SHA-256)</dt>
      <dd>
        <code className="hash-full">{signer.fingerprintSha256}</code>
      </dd>
      <dt>Valid</dt>
      <dd>
        {signer.validFrom} to {signer.validTo}
      </dd>
    </>
  );
}

/** A self-signed PKCS#12 identity for organizations without PKI; the password is read at submit and cleared. */
function CreateIdentity() {
  const api = useApi();
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [organization, setOrganization] = useState('');
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome<SignerSummary>>(null);
  const password = useRef<HTMLInputElement>(null);
  const confirm = useRef<HTMLInputElement>(null);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const secret = password.current?.value ?? '';
    const again = confirm.current?.value ?? '';
    if (password.current) password.current.value = '';
    if (confirm.current) confirm.current.value = '';
    const problem =
      !path.trim() || !name.trim() || !organization.trim()
        ? 'Fill in the file, the signer name and the organization.'
        : secret.length < 8
          ? 'Choose a password of at least 8 characters: it protects the private key.'
          : secret !== again
            ? 'The two passwords differ: type them again.'
            : null;
    if (problem) return setOutcome({ value: null, error: { message: problem, hint: 'Nothing was written.' } });
    setBusy(true);
    const result = await api.invoke('signing.create', {
      path: path.trim(),
      name: name.trim(),
      organization: organization.trim(),
      ...(email.trim() ? { email: email.trim() } : {}),
      password: secret,
    });
    setBusy(false);
    setOutcome(result.ok ? { value: result.value, error: null } : failed(result.error));
  };

  return (
    <section className="panel export-panel" aria-label="Create signing identity">
      <h3>Create a signing identity</h3>
      <p className="muted">
        For organizations without a PKI: a self-signed certificate and key in a password-protected PKCS#12 file. Reports signed with it say so;
        give the fingerprint to whoever will check them.
      </p>
      <form className="analysis-form" onSubmit={(event) => void submit(event)}>
        <PathField
          label="New identity file (.p12, never overwritten)"
          ariaLabel="New identity file"
          value={path}
          onChange={setPath}
          placeholder="/home/me/privacy-office.p12"
          save={{ defaultName: 'signing-identity.p12', extension: 'p12' }}
        />
        <label>
          Signer name
          <input type="text" value={name} placeholder="Privacy Office" onChange={(event) => setName(event.target.value)} aria-label="Signer name" />
        </label>
        <label>
          Organization
          <input type="text" value={organization} onChange={(event) => setOrganization(event.target.value)} aria-label="Organization" />
        </label>
        <label>
          E-mail (optional)
          <input type="email" value={email} onChange={(event) => setEmail(event.target.value)} aria-label="E-mail" />
        </label>
        <label>
          Password
          <input ref={password} type="password" autoComplete="new-password" aria-label="New identity password" />
        </label>
        <label>
          Password again
          <input ref={confirm} type="password" autoComplete="new-password" aria-label="New identity password again" />
        </label>
        <button className="button button--primary" type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create identity'}
        </button>
      </form>
      <ProblemPanel outcome={outcome} title="No identity was created." />
      {outcome?.value && (
        <div data-testid="identity-created">
          <p>
            Created <code>{path.trim()}</code>.
          </p>
          <dl className="facts">
            <SignerFacts signer={outcome.value} />
          </dl>
        </div>
      )}
    </section>
  );
}

/** Seals the open archive files with a signing identity, and checks them against a seal. */
function SealArchives({ openFiles }: { openFiles: number }) {
  const api = useApi();
  const [sealPath, setSealPath] = useState('');
  const [p12Path, setP12Path] = useState('');
  const [busy, setBusy] = useState<null | 'sealing' | 'checking'>(null);
  const [created, setCreated] = useState<Outcome<SealCreated>>(null);
  const [check, setCheck] = useState<Outcome<{ seal: SealCheckSummary; verdict: Verdict }>>(null);
  const password = useRef<HTMLInputElement>(null);

  const runCheck = async (path: string) => {
    setBusy('checking');
    const result = await api.invoke('seal.check', { sealPath: path });
    setBusy(null);
    setCheck(result.ok ? { value: { seal: result.value.seal, verdict: result.value.verdict }, error: null } : failed(result.error));
  };

  const seal = async () => {
    const secret = password.current?.value ?? '';
    if (password.current) password.current.value = '';
    setCheck(null);
    if (!sealPath.trim() || !p12Path.trim()) return setCreated({ value: null, error: { message: 'Fill in the seal file and the signing identity.', hint: 'Nothing was written.' } });
    setBusy('sealing');
    const result = await api.invoke('seal.create', { path: sealPath.trim(), p12Path: p12Path.trim(), password: secret });
    setBusy(null);
    setCreated(result.ok ? { value: result.value, error: null } : failed(result.error));
    if (result.ok) await runCheck(result.value.path);
  };

  const checkOnly = async () => {
    setCreated(null);
    if (!sealPath.trim()) return setCheck({ value: null, error: { message: 'Type the path of the seal file to check.', hint: 'A seal is the .json file written by "Seal open archives" or `custos seal`.' } });
    await runCheck(sealPath.trim());
  };

  return (
    <section className="panel export-panel" aria-label="Seal open archives">
      <h3>Seal the open archives</h3>
      <p className="muted">
        A seal is a signed record of each open file's size, line count and chain head. Checking the archive against it later proves no entry was
        cut from the end — which a hash chain alone cannot show. {openFiles === 0 ? 'Open an archive first.' : `${openFiles} file${openFiles === 1 ? '' : 's'} open.`}
      </p>
      <form
        className="analysis-form"
        onSubmit={(event) => {
          event.preventDefault();
          void seal();
        }}
      >
        <PathField label="Seal file (new, or one to check against)" ariaLabel="Seal file" value={sealPath} onChange={setSealPath} placeholder="/home/me/archive.seal.json" />
        <PathField label="Signing identity (PKCS#12)" ariaLabel="Seal signing identity" value={p12Path} onChange={setP12Path} placeholder="/home/me/privacy-office.p12" />
        <label>
          Password (used once, never stored)
          <input ref={password} type="password" autoComplete="off" aria-label="Seal identity password" />
        </label>
        <button className="button button--primary" type="submit" disabled={busy !== null || openFiles === 0}>
          {busy === 'sealing' ? 'Sealing…' : 'Seal open archives'}
        </button>
        <button className="button" type="button" disabled={busy !== null || openFiles === 0} onClick={() => void checkOnly()}>
          {busy === 'checking' ? 'Checking…' : 'Check against seal'}
        </button>
      </form>
      <ProblemPanel outcome={created} title="The archives were not sealed." />
      <ProblemPanel outcome={check} title="The seal could not be checked." />
      {created?.value && (
        <p data-testid="seal-created">
          Sealed {created.value.files} file{created.value.files === 1 ? '' : 's'} into <code>{created.value.path}</code>, signed by {created.value.signer.commonName}
          {created.value.signer.selfSigned ? ' (self-signed)' : ''}.
        </p>
      )}
      {check?.value && <SealCheck seal={check.value.seal} verdict={check.value.verdict} />}
    </section>
  );
}

function SealCheck({ seal, verdict }: { seal: SealCheckSummary; verdict: Verdict }) {
  return (
    <div className="verify-result" data-testid="seal-check">
      <p className={seal.signatureValid ? 'verify-status--ok' : 'verify-status--bad'}>
        <strong>
          {seal.signatureValid
            ? `Seal signature valid${seal.signer ? `, signed by ${seal.signer.commonName}${seal.signer.selfSigned ? ' (self-signed)' : ''}` : ''}${seal.createdAt ? ` on ${seal.createdAt}` : ''}.`
            : `Seal signature NOT valid: ${seal.signatureProblem ?? 'it does not verify'}. Nothing in this seal can be trusted.`}
        </strong>{' '}
        Integrity: {verdict.integrity}; completeness: {verdict.completeness}.
      </p>
      <div className="table-wrap">
        <table className="table" aria-label="Sealed files">
          <thead>
            <tr>
              <th>File</th>
              <th>Since sealing</th>
              <th className="num">Lines sealed / now</th>
            </tr>
          </thead>
          <tbody>
            {seal.files.map((file) => (
              <tr key={`${file.sealedPath ?? ''}|${file.path}`} data-testid="sealed-file">
                <td title={file.path}>{folderAndName(file.path)}</td>
                <td>
                  <span className={`pill${file.status === 'unchanged' || file.status === 'appended' ? ' pill--ok' : file.status === 'unsealed' ? ' pill--warning' : ' pill--danger'}`}>
                    {SEALED_STATUS_TEXT[file.status]}
                  </span>
                </td>
                <td className="num">
                  {file.sealedLines ?? '—'} / {file.lines ?? '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** A path field; in the desktop app a Choose… button opens the native open or save dialog. */
function PathField(props: { label: string; ariaLabel: string; value: string; onChange: (value: string) => void; placeholder?: string; save?: { defaultName: string; extension: string } }) {
  const api = useApi();
  const choose = async () => {
    if (props.save) {
      const result = await api.invoke('dialog.savePath', { defaultName: props.save.defaultName, extensions: [props.save.extension] });
      if (result.ok && result.value.path) props.onChange(result.value.path);
      return;
    }
    const result = await api.invoke('dialog.openPaths', { kind: 'files' });
    const chosen = result.ok ? result.value.paths[0] : undefined;
    if (chosen) props.onChange(chosen);
  };
  return (
    <>
      <label className="export-path">
        {props.label}
        <input type="text" value={props.value} spellCheck={false} placeholder={props.placeholder} onChange={(event) => props.onChange(event.target.value)} aria-label={props.ariaLabel} />
      </label>
      {api.host === 'electron' && (
        <button className="button" type="button" onClick={() => void choose()} aria-label={`Choose: ${props.ariaLabel}`}>
          Choose…
        </button>
      )}
    </>
  );
}
