import { useRef, useState } from 'react';
import type { AnalysisPdfRequest, ReportWritten } from '../../shared/report';
import { useApi } from '../components/ApiContext';
import { formatBytes } from '../format';
import { useCustos } from '../store/store';

type ExportScope = Omit<AnalysisPdfRequest, 'path' | 'signing' | 'organization' | 'generatedBy'>;

/**
 * Writes the view's report as a PDF where the user chooses, optionally signed with a PKCS#12
 * identity. The password is read from its field when sending and never kept.
 */
export function ExportPdf({ scope, defaultName }: { scope: ExportScope; defaultName: string }) {
  const api = useApi();
  const reportError = useCustos((state) => state.reportError);
  const [open, setOpen] = useState(false);
  const [path, setPath] = useState('');
  const [sign, setSign] = useState(false);
  const [p12Path, setP12Path] = useState('');
  const [reason, setReason] = useState('Compliance review');
  const [location, setLocation] = useState('');
  const [busy, setBusy] = useState(false);
  const [written, setWritten] = useState<ReportWritten | null>(null);
  const password = useRef<HTMLInputElement>(null);

  const choose = async () => {
    const picked = await api.invoke('dialog.savePath', { defaultName, extensions: ['pdf'] });
    if (picked.ok && picked.value.path) setPath(picked.value.path);
  };

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    if (!path.trim()) return;
    const request: AnalysisPdfRequest = { ...scope, path: path.trim() };
    if (sign) request.signing = { p12Path: p12Path.trim(), password: password.current?.value ?? '', reason: reason.trim() || 'Compliance review', location: location.trim() || 'Custos' };
    if (password.current) password.current.value = '';
    setBusy(true);
    const result = await api.invoke('reports.analysisPdf', request);
    setBusy(false);
    if (!result.ok) {
      reportError('Exporting the PDF report', result.error);
      return;
    }
    setWritten(result.value);
  };

  if (!open)
    return (
      <button className="button" type="button" onClick={() => setOpen(true)}>
        Export PDF…
      </button>
    );
  return (
    <form className="panel analysis-form" aria-label="Export PDF" onSubmit={(event) => void submit(event)}>
      <label style={{ flex: 1 }}>
        Save as (a new file; never over an open archive file)
        <input value={path} onChange={(event) => setPath(event.target.value)} placeholder={`/path/to/${defaultName}`} aria-label="PDF path" />
      </label>
      {api.host === 'electron' && (
        <button className="button" type="button" onClick={() => void choose()}>
          Choose…
        </button>
      )}
      <label className="analysis-check">
        <input type="checkbox" checked={sign} onChange={(event) => setSign(event.target.checked)} /> Sign (PAdES)
      </label>
      {sign && (
        <>
          <label>
            Identity (.p12)
            <input value={p12Path} onChange={(event) => setP12Path(event.target.value)} aria-label="Identity file" />
          </label>
          <label>
            Password
            <input ref={password} type="password" autoComplete="off" aria-label="Identity password" />
          </label>
          <label>
            Reason
            <input value={reason} onChange={(event) => setReason(event.target.value)} aria-label="Signing reason" />
          </label>
          <label>
            Location
            <input value={location} onChange={(event) => setLocation(event.target.value)} aria-label="Signing location" />
          </label>
        </>
      )}
      <button className="button button--primary" type="submit" disabled={busy || !path.trim() || (sign && !p12Path.trim())}>
        {busy ? 'Writing…' : 'Write PDF'}
      </button>
      <button className="button" type="button" onClick={() => setOpen(false)}>
        Close
      </button>
      {written && (
        <p className="muted" role="status" data-testid="pdf-written">
          Wrote {written.path} ({formatBytes(written.bytes)}){written.signed ? `, signed by ${written.signer?.commonName ?? 'the identity'}` : ', unsigned'}.
        </p>
      )}
    </form>
  );
}
