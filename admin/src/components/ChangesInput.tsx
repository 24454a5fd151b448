import * as React from 'react';
import {
  Box,
  Button,
  Combobox,
  ComboboxOption,
  Field,
  Flex,
  IconButton,
  NumberInput,
  SingleSelect,
  SingleSelectOption,
  Tag,
  TextInput,
  Typography,
} from '@strapi/design-system';
import { Cross, Plus, Trash } from '@strapi/icons';
import { useFetchClient, useStrapiApp } from '@strapi/strapi/admin';
import type { AttributeOption, EditChange, EditOperation, HintValue, HintsResponse, Selection } from '../../../server/src/contracts';
import { useT } from '../hooks/useT';

/** Where the form's requests go: the action and the selection it acts on (for hints). */
export interface FormContext {
  uid: string;
  action: string;
  selection: Selection;
  locale?: string;
}

type Draft = Partial<EditChange>;

const isToMany = (option: AttributeOption) => option.type === 'media:multiple' || /^relation:(oneToMany|manyToMany)$/.test(option.type);

/** The value `set` takes from a hint: to-many fields take a list. */
const hintAsSetValue = (option: AttributeOption, value: unknown) => (isToMany(option) ? [value] : value);

/** Searches the target content type through the Content Manager's list (what the user may read). */
const RelationPicker = ({ option, value, multiple, onChange, locale }: { option: AttributeOption; value: unknown; multiple: boolean; onChange: (next: unknown) => void; locale?: string }) => {
  const { t } = useT();
  const { get } = useFetchClient();
  const [search, setSearch] = React.useState('');
  const [results, setResults] = React.useState<Array<{ documentId: string; label: string }>>([]);
  const [labels, setLabels] = React.useState<Record<string, string>>({});
  const chosen: string[] = Array.isArray(value) ? (value as string[]) : typeof value === 'string' ? [value] : [];

  React.useEffect(() => {
    let cancelled = false;
    const params = new URLSearchParams({ page: '1', pageSize: '10', ...(search ? { _q: search } : {}), ...(locale ? { locale } : {}) });
    get(`/content-manager/collection-types/${option.target}?${params}`)
      .then(({ data }: any) => {
        if (cancelled) return;
        const rows = (data?.results ?? []) as Array<Record<string, unknown>>;
        setResults(
          rows.map((row) => ({
            documentId: String(row.documentId),
            label: String(row.name ?? row.title ?? row.label ?? row.documentId),
          }))
        );
      })
      .catch(() => !cancelled && setResults([]));
    return () => {
      cancelled = true;
    };
  }, [get, option.target, search, locale]);

  const choose = (documentId: string | undefined) => {
    if (!documentId) return;
    const found = results.find((r) => r.documentId === documentId);
    if (found) setLabels((known) => ({ ...known, [documentId]: found.label }));
    onChange(multiple ? [...chosen.filter((id) => id !== documentId), documentId] : documentId);
  };

  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      <Combobox
        // named by its field's label ("Entries"); the placeholder names the target type, not its uid
        placeholder={t('changes.search', 'Search {target}', { target: option.target?.split('.').pop() ?? '' })}
        onInputChange={(event: React.ChangeEvent<HTMLInputElement>) => setSearch(event.target.value)}
        onChange={(next: string | undefined) => choose(next)}
        autocomplete="list"
      >
        {results.map((result) => (
          <ComboboxOption key={result.documentId} value={result.documentId}>
            {result.label}
          </ComboboxOption>
        ))}
      </Combobox>
      {chosen.length ? (
        <Flex gap={1} wrap="wrap">
          {chosen.map((id) => (
            <Tag key={id} icon={<Cross />} onClick={() => onChange(multiple ? chosen.filter((other) => other !== id) : undefined)}>
              {labels[id] ?? id}
            </Tag>
          ))}
        </Flex>
      ) : null}
    </Flex>
  );
};

/** Media Library file ids as a list ("12, 14"): only where the Media Library's dialog is not registered. */
const FileIdsInput = ({ value, multiple, onChange, label }: { value: unknown; multiple: boolean; onChange: (next: unknown) => void; label: string }) => {
  const text = Array.isArray(value) ? value.join(', ') : value === undefined || value === null ? '' : String(value);
  const [draft, setDraft] = React.useState(text);
  return (
    <TextInput
      aria-label={label}
      placeholder="12, 14"
      value={draft}
      onChange={(event: React.ChangeEvent<HTMLInputElement>) => {
        setDraft(event.target.value);
        const ids = event.target.value.split(/[\s,]+/).filter(Boolean).map(Number);
        onChange(multiple ? ids : ids[0]);
      }}
    />
  );
};

interface PickedFile {
  id: number;
  name?: string;
}

/**
 * Files chosen in the Media Library's own dialog (the one the Content Manager's media fields open),
 * so editors browse folders, search and upload as they are used to; the run gets their ids.
 */
const MediaPicker = ({ value, multiple, onChange, label }: { value: unknown; multiple: boolean; onChange: (next: unknown) => void; label: string }) => {
  const { t } = useT();
  const components = useStrapiApp('BulkActionsMediaPicker', (state) => state.components);
  const MediaLibraryDialog = components['media-library'] as React.ComponentType<{
    multiple?: boolean;
    onClose: () => void;
    onSelectAssets: (files: PickedFile[]) => void;
  }> | undefined;
  const [open, setOpen] = React.useState(false);
  const [names, setNames] = React.useState<Record<number, string>>({});
  const chosen: number[] = Array.isArray(value) ? (value as number[]) : typeof value === 'number' ? [value] : [];

  if (!MediaLibraryDialog) return <FileIdsInput label={label} value={value} multiple={multiple} onChange={onChange} />;
  const pick = (files: PickedFile[]) => {
    setOpen(false);
    if (!files.length) return;
    setNames((known) => ({ ...known, ...Object.fromEntries(files.map((file) => [file.id, file.name ?? String(file.id)])) }));
    const ids = files.map((file) => file.id);
    onChange(multiple ? [...chosen.filter((id) => !ids.includes(id)), ...ids] : ids[0]);
  };
  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      <Box>
        <Button variant="secondary" startIcon={<Plus />} onClick={() => setOpen(true)}>
          {multiple ? t('changes.media.choose-many', 'Choose files from the Media Library') : t('changes.media.choose', 'Choose a file from the Media Library')}
        </Button>
      </Box>
      {chosen.length ? (
        <Flex gap={1} wrap="wrap" data-testid="bulk-actions-media-chosen">
          {chosen.map((id) => (
            <Tag
              key={id}
              icon={<Cross />}
              aria-label={t('changes.media.unpick', 'Remove {name}', { name: names[id] ?? String(id) })}
              onClick={() => onChange(multiple ? chosen.filter((other) => other !== id) : undefined)}
            >
              {names[id] ?? `#${id}`}
            </Tag>
          ))}
        </Flex>
      ) : null}
      {open ? <MediaLibraryDialog multiple={multiple} onClose={() => setOpen(false)} onSelectAssets={pick} /> : null}
    </Flex>
  );
};

interface ChangeRowProps {
  index: number;
  change: Draft;
  options: AttributeOption[];
  taken: string[];
  context?: FormContext;
  renderValue: (option: AttributeOption, value: unknown, onChange: (next: unknown) => void) => React.ReactNode;
  onChange: (next: Draft) => void;
  onRemove: () => void;
}

const ChangeRow = ({ index, change, options, taken, context, renderValue, onChange, onRemove }: ChangeRowProps) => {
  const { t } = useT();
  const { post } = useFetchClient();
  const option = options.find((candidate) => candidate.name === change.field);
  const [hints, setHints] = React.useState<HintValue[] | null>(null);

  React.useEffect(() => {
    setHints(null);
    if (!option || !context) return;
    let cancelled = false;
    post<HintsResponse>(`/bulk-actions/content-types/${encodeURIComponent(context.uid)}/actions/${encodeURIComponent(context.action)}/hints`, {
      selection: context.selection,
      field: option.name,
      ...(context.locale ? { locale: context.locale } : {}),
    })
      .then(({ data }) => !cancelled && setHints(data.data.values))
      .catch(() => !cancelled && setHints([]));
    return () => {
      cancelled = true;
    };
    // the selection object is rebuilt on each render of the flow: its JSON is what matters
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [post, option?.name, context?.uid, context?.action, JSON.stringify(context?.selection), context?.locale]);

  const op = change.op;
  const setValue = (value: unknown) => onChange({ ...change, value });
  const label = t('changes.value', 'Value');
  let input: React.ReactNode = null;
  if (option && op) {
    const relation = option.type.startsWith('relation:');
    const media = option.type.startsWith('media');
    if (['clear', 'trim', 'lowercase', 'uppercase', 'toggle'].includes(op)) input = null;
    else if (relation) input = <RelationPicker option={option} value={change.value} multiple={op !== 'set' || isToMany(option)} onChange={setValue} locale={context?.locale} />;
    else if (media) input = <MediaPicker label={label} value={change.value} multiple={op !== 'set' || isToMany(option)} onChange={setValue} />;
    else if (op === 'set') input = renderValue(option, change.value, setValue);
    else if (op === 'append' || op === 'prepend') {
      input = <TextInput aria-label={label} value={typeof change.value === 'string' ? change.value : ''} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setValue(e.target.value)} />;
    } else if (op === 'replace') {
      const value = (change.value ?? {}) as { find?: string; replace?: string };
      input = (
        <Flex gap={2}>
          <TextInput aria-label={t('changes.find', 'Find')} placeholder={t('changes.find', 'Find')} value={value.find ?? ''} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setValue({ ...value, find: e.target.value, replace: value.replace ?? '' })} />
          <TextInput aria-label={t('changes.replace-with', 'Replace with')} placeholder={t('changes.replace-with', 'Replace with')} value={value.replace ?? ''} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setValue({ ...value, replace: e.target.value })} />
        </Flex>
      );
    } else if (op === 'shift') {
      const value = (change.value ?? {}) as { days?: number; hours?: number };
      input = (
        <Flex gap={2}>
          <NumberInput aria-label={t('changes.days', 'Days')} placeholder={t('changes.days', 'Days')} step={1} value={value.days} onValueChange={(days: number | undefined) => setValue({ ...value, days })} />
          {option.type === 'datetime' ? (
            <NumberInput aria-label={t('changes.hours', 'Hours')} placeholder={t('changes.hours', 'Hours')} step={1} value={value.hours} onValueChange={(hours: number | undefined) => setValue({ ...value, hours })} />
          ) : null}
        </Flex>
      );
    } else {
      input = <NumberInput aria-label={label} step={op === 'increment' || op === 'decrement' ? 1 : 0.01} value={typeof change.value === 'number' ? change.value : undefined} onValueChange={(next: number | undefined) => setValue(next)} />;
    }
  }

  return (
    <Box padding={3} hasRadius borderColor="neutral200" data-testid={`change-${index}`}>
      <Flex direction="column" alignItems="stretch" gap={2}>
        <Flex gap={2} alignItems="flex-end">
          {/* each control its own field: its label names it (the form's field labels the whole list) */}
          <Field.Root name={`change-${index}-field`} flex="1">
            <Field.Label>{t('changes.field', 'Field')}</Field.Label>
            <SingleSelect
              placeholder={t('form.choose-field', 'Choose a field')}
              value={change.field ?? null}
              onChange={(next: string | number) => onChange({ field: String(next), op: 'set' })}
            >
              {options
                .filter((candidate) => candidate.name === change.field || !taken.includes(candidate.name))
                .map((candidate) => (
                  <SingleSelectOption key={candidate.name} value={candidate.name}>
                    {candidate.name}
                  </SingleSelectOption>
                ))}
            </SingleSelect>
          </Field.Root>
          <Field.Root name={`change-${index}-op`} flex="1">
            <Field.Label>{t('changes.op', 'Operation')}</Field.Label>
            <SingleSelect
              disabled={!option}
              value={op ?? null}
              onChange={(next: string | number) => onChange({ field: change.field, op: String(next) as EditOperation })}
            >
              {(option?.ops ?? []).map((candidate) => (
                <SingleSelectOption key={candidate} value={candidate}>
                  {t(`changes.op.${candidate}`, candidate)}
                </SingleSelectOption>
              ))}
            </SingleSelect>
          </Field.Root>
          <IconButton label={t('changes.remove', 'Remove this change')} onClick={onRemove} variant="ghost">
            <Trash />
          </IconButton>
        </Flex>
        {input && op !== 'replace' && op !== 'shift' ? (
          // one input: its own field and label (replace and shift label each of their two inputs)
          <Field.Root name={`change-${index}-value`}>
            <Field.Label>
              {option?.type.startsWith('relation:')
                ? t('changes.entries', 'Entries')
                : option?.type.startsWith('media')
                  ? t('changes.files', 'File ids')
                  : op === 'set'
                    ? t('form.new-value', 'New value')
                    : t('changes.value', 'Value')}
            </Field.Label>
            {input}
          </Field.Root>
        ) : (
          input
        )}
        {option && hints && hints.length ? (
          <Flex gap={1} wrap="wrap" alignItems="center">
            <Typography variant="pi" textColor="neutral600">
              {t('changes.hints', 'Current values:')}
            </Typography>
            {hints.map((hint) => (
              <Button
                key={JSON.stringify(hint.value)}
                size="S"
                variant="tertiary"
                onClick={() => onChange({ field: option.name, op: 'set', value: hintAsSetValue(option, hint.value) })}
              >
                {t('changes.hint', '{label} ({count})', { label: hint.label || t('changes.empty', 'empty'), count: hint.count })}
              </Button>
            ))}
          </Flex>
        ) : null}
      </Flex>
    </Box>
  );
};

interface ChangesInputProps {
  options: AttributeOption[];
  value: unknown;
  onChange: (next: Draft[]) => void;
  context?: FormContext;
  renderValue: ChangeRowProps['renderValue'];
}

/** The edit-fields form: changes added one after another, each a field, an operation and its value. */
export const ChangesInput = ({ options, value, onChange, context, renderValue }: ChangesInputProps) => {
  const { t } = useT();
  const changes: Draft[] = Array.isArray(value) && value.length ? (value as Draft[]) : [{}];
  const taken = changes.map((change) => change.field).filter((name): name is string => Boolean(name));
  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      {changes.map((change, index) => (
        <ChangeRow
          key={index}
          index={index}
          change={change}
          options={options}
          taken={taken}
          context={context}
          renderValue={renderValue}
          onChange={(next) => onChange(changes.map((other, i) => (i === index ? next : other)))}
          onRemove={() => onChange(changes.filter((_, i) => i !== index))}
        />
      ))}
      <Box>
        <Button variant="secondary" startIcon={<Plus />} disabled={changes.length >= 50 || taken.length < changes.length} onClick={() => onChange([...changes, {}])}>
          {t('changes.add', 'Add a change')}
        </Button>
      </Box>
    </Flex>
  );
};
