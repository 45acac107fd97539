import { useState } from 'react';
import type { EntryFilter } from '../../shared/query';
import { formatUtcFieldValue, parseUtcFieldValue } from '../format';
import { FILTER_COLUMNS, type FilterColumn } from '../store/explorer';
import { useCustos } from '../store/store';

const FILTER_KEYS: Record<FilterColumn, 'users' | 'roles' | 'patients' | 'tools' | 'purposes'> = {
  user: 'users',
  role: 'roles',
  patient: 'patients',
  tool: 'tools',
  purpose: 'purposes',
};
const LABELS: Record<FilterColumn, string> = { user: 'User', role: 'Role', patient: 'Patient', tool: 'Tool', purpose: 'Purpose' };

/** Filters for the Explorer. Text fields apply on Enter or when leaving the field. */
export function FilterBar() {
  const filter = useCustos((state) => state.filter);
  const setFilter = useCustos((state) => state.setFilter);
  const clearFilter = useCustos((state) => state.clearFilter);
  const distinct = useCustos((state) => state.distinct);
  const active = Object.values(filter).some((value) => value !== undefined && value !== '' && !(Array.isArray(value) && value.length === 0));

  return (
    <form className="filters" aria-label="Filters" onSubmit={(event) => event.preventDefault()}>
      {/* Keyed by value: a change from elsewhere (histogram brush, Clear) resets the field's draft. */}
      <TimeField key={`from=${filter.fromMs ?? ''}`} label="From (UTC)" value={filter.fromMs} onCommit={(fromMs) => setFilter({ fromMs })} />
      <TimeField key={`to=${filter.toMs ?? ''}`} label="To (UTC)" value={filter.toMs} onCommit={(toMs) => setFilter({ toMs })} />
      {FILTER_COLUMNS.map((column) => (
        <TextFilter
          key={`${column}=${filter[FILTER_KEYS[column]]?.[0] ?? ''}`}
          id={`filter-${column}`}
          label={LABELS[column]}
          value={filter[FILTER_KEYS[column]]?.[0] ?? ''}
          options={distinct[column]}
          onCommit={(value) => setFilter({ [FILTER_KEYS[column]]: value ? [value] : undefined } as Partial<EntryFilter>)}
        />
      ))}
      <div className="filter">
        <label htmlFor="filter-outcome">Outcome</label>
        <select
          id="filter-outcome"
          value={filter.success === undefined ? 'any' : filter.success ? 'success' : 'failure'}
          onChange={(event) => setFilter({ success: event.target.value === 'any' ? undefined : event.target.value === 'success' })}
        >
          <option value="any">Any</option>
          <option value="success">Success</option>
          <option value="failure">Failure</option>
        </select>
      </div>
      <TextFilter key={`text=${filter.text ?? ''}`} id="filter-text" label="Text in arguments/results" value={filter.text ?? ''} wide onCommit={(text) => setFilter({ text: text || undefined })} />
      {filter.fileIds && filter.fileIds.length > 0 && <FileChip fileIds={filter.fileIds} onClear={() => setFilter({ fileIds: undefined })} />}
      <div className="filter filter--actions">
        <button type="button" className="button" disabled={!active} onClick={clearFilter}>
          Clear filters
        </button>
      </div>
    </form>
  );
}

function TextFilter(props: { id: string; label: string; value: string; options?: string[]; wide?: boolean; onCommit: (value: string) => void }) {
  const { id, label, value, options, wide, onCommit } = props;
  const [draft, setDraft] = useState(value);
  const commit = () => {
    if (draft.trim() !== value) onCommit(draft.trim());
  };
  return (
    <div className={`filter${wide ? ' filter--wide' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="search"
        value={draft}
        list={options ? `${id}-options` : undefined}
        autoComplete="off"
        spellCheck={false}
        placeholder="any"
        onChange={(event) => {
          setDraft(event.target.value);
          // Picking from the list or clearing the field applies at once.
          const picked = event.target.value;
          if (picked === '' || options?.includes(picked)) onCommit(picked);
        }}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            commit();
          }
        }}
      />
      {options && (
        <datalist id={`${id}-options`}>
          {options.map((option) => (
            <option key={option} value={option} />
          ))}
        </datalist>
      )}
    </div>
  );
}

/** A UTC time typed as `YYYY-MM-DD HH:MM:SS`: the same unambiguous form in every browser locale. */
function TimeField({ label, value, onCommit }: { label: string; value: number | undefined; onCommit: (ms: number | undefined) => void }) {
  const [draft, setDraft] = useState(formatUtcFieldValue(value));
  const [invalid, setInvalid] = useState(false);
  const id = `filter-${label.split(' ')[0]!.toLowerCase()}`;
  const commit = () => {
    const ms = parseUtcFieldValue(draft);
    setInvalid(ms === null);
    if (ms !== null && ms !== value) onCommit(ms);
  };
  return (
    <div className="filter">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        className="mono"
        value={draft}
        placeholder="YYYY-MM-DD HH:MM:SS"
        spellCheck={false}
        autoComplete="off"
        aria-invalid={invalid}
        aria-describedby={invalid ? `${id}-error` : undefined}
        title="UTC, as YYYY-MM-DD or YYYY-MM-DD HH:MM:SS"
        onChange={(event) => {
          setDraft(event.target.value);
          if (invalid) setInvalid(parseUtcFieldValue(event.target.value) === null);
        }}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            event.preventDefault();
            commit();
          }
        }}
      />
      {invalid && (
        <span id={`${id}-error`} className="filter-error" role="alert">
          Use YYYY-MM-DD HH:MM:SS (UTC)
        </span>
      )}
    </div>
  );
}

function FileChip({ fileIds, onClear }: { fileIds: number[]; onClear: () => void }) {
  const files = useCustos((state) => state.summary?.files);
  const names = fileIds.map((id) => files?.find((file) => file.id === id)?.path.split(/[\\/]/).pop() ?? `file ${id}`);
  return (
    <div className="filter">
      <span className="filter-label-static">File</span>
      <span className="filter-chip">
        {names.join(', ')}
        <button type="button" className="icon-button" aria-label="Show entries of every open file" onClick={onClear}>
          ×
        </button>
      </span>
    </div>
  );
}
