import * as React from 'react';
import {
  DatePicker,
  DateTimePicker,
  Field,
  Flex,
  MultiSelect,
  MultiSelectOption,
  NumberInput,
  SingleSelect,
  SingleSelectOption,
  Textarea,
  TextInput,
  TimePicker,
  Toggle,
} from '@strapi/design-system';
import type { AttributeOption, FormField } from '../../../server/src/contracts';
import { useT } from '../hooks/useT';
import { ChangesInput, type FormContext } from './ChangesInput';
import { MappingInput } from './MappingInput';
import { UploadInput } from './UploadInput';
import type { UploadSummary } from '../../../server/src/contracts';

export type FormValues = Record<string, unknown>;

/** The values a form starts with: each field's default. */
export const initialValues = (form: FormField[]): FormValues =>
  Object.fromEntries(form.filter((field) => field.default !== undefined).map((field) => [field.name, field.default]));

/** What is sent as `params`: fields left empty are omitted, so the server applies its defaults. */
export const paramsOf = (form: FormField[], values: FormValues): Record<string, unknown> => {
  const params: Record<string, unknown> = {};
  for (const field of form) {
    const value = values[field.name];
    if (value === undefined) continue;
    if (Array.isArray(value) && value.length === 0) continue; // `attributes` left empty: all
    // `changes`: rows without a field are still being filled in
    params[field.name] = field.type === 'changes' && Array.isArray(value) ? value.filter((change) => change && change.field) : value;
  }
  return params;
};

/* -------------------------------------------------------------------------------------------------
 * Dates: the API speaks 'YYYY-MM-DD' and ISO date-times; the pickers speak Date.
 * -----------------------------------------------------------------------------------------------*/

const pad = (n: number) => String(n).padStart(2, '0');
const toDateString = (date: Date) => `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
const fromDateString = (value: unknown) => {
  if (typeof value !== 'string') return undefined;
  const match = value.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  return match ? new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : undefined;
};
const fromDateTimeString = (value: unknown) => {
  if (typeof value !== 'string' || !value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
};

/** What an input is for: a field type of the form, or the type of the attribute an `attribute-value` targets. */
interface ValueSpec {
  type: string;
  enum?: string[];
  min?: number;
  max?: number;
  required?: boolean;
}

interface ValueInputProps {
  name: string;
  label: string;
  spec: ValueSpec;
  value: unknown;
  onChange: (value: unknown) => void;
  hasError: boolean;
}

/** One input matching a value type (the design system's, as the Content Manager uses them). */
const ValueInput = ({ name, label, spec, value, onChange, hasError }: ValueInputProps) => {
  const { t } = useT();
  const clear = spec.required ? undefined : () => onChange(undefined);
  const clearLabel = t('form.clear', 'Clear');

  switch (spec.type) {
    case 'enumeration':
      return (
        <SingleSelect
          name={name}
          aria-label={label}
          placeholder={t('form.choose', 'Choose here')}
          value={typeof value === 'string' ? value : null}
          onChange={(next) => onChange(String(next))}
          onClear={clear}
          clearLabel={clearLabel}
          hasError={hasError}
        >
          {(spec.enum ?? []).map((option) => (
            <SingleSelectOption key={option} value={option}>
              {option}
            </SingleSelectOption>
          ))}
        </SingleSelect>
      );
    case 'boolean':
      return (
        <Toggle
          name={name}
          aria-label={label}
          onLabel={t('form.true', 'True')}
          offLabel={t('form.false', 'False')}
          checked={typeof value === 'boolean' ? value : null}
          onChange={(event) => onChange(event.currentTarget.checked)}
          hasError={hasError}
        />
      );
    case 'integer':
    case 'biginteger':
    case 'float':
    case 'decimal':
      return (
        <NumberInput
          name={name}
          aria-label={label}
          step={spec.type === 'integer' || spec.type === 'biginteger' ? 1 : 0.01}
          value={typeof value === 'number' ? value : undefined}
          onValueChange={(next) => onChange(next)}
          hasError={hasError}
        />
      );
    case 'date':
      return (
        <DatePicker
          name={name}
          aria-label={label}
          value={fromDateString(value)}
          onChange={(date) => onChange(date ? toDateString(date) : undefined)}
          onClear={() => onChange(undefined)}
          clearLabel={clearLabel}
          hasError={hasError}
        />
      );
    case 'datetime':
      return (
        <DateTimePicker
          name={name}
          aria-label={label}
          value={fromDateTimeString(value)}
          onChange={(date) => onChange(date ? date.toISOString() : undefined)}
          onClear={() => onChange(undefined)}
          clearLabel={clearLabel}
          hasError={hasError}
        />
      );
    case 'time':
      return (
        <TimePicker
          name={name}
          aria-label={label}
          value={typeof value === 'string' ? value : undefined}
          onChange={(next) => onChange(next)}
          onClear={() => onChange(undefined)}
          clearLabel={clearLabel}
          hasError={hasError}
        />
      );
    case 'text':
      return (
        <Textarea
          name={name}
          aria-label={label}
          value={typeof value === 'string' ? value : ''}
          onChange={(event: React.ChangeEvent<HTMLTextAreaElement>) => onChange(event.target.value)}
          hasError={hasError}
        />
      );
    default:
      return (
        <TextInput
          name={name}
          aria-label={label}
          type={spec.type === 'email' ? 'email' : 'text'}
          value={typeof value === 'string' ? value : ''}
          onChange={(event: React.ChangeEvent<HTMLInputElement>) => onChange(event.target.value)}
          hasError={hasError}
        />
      );
  }
};

interface ActionFormProps {
  form: FormField[];
  values: FormValues;
  errors: Record<string, string>;
  onChange: (name: string, value: unknown) => void;
  /** the action and selection (the edit-fields form asks for hints about them) */
  context?: FormContext;
}

/** An action's form, rendered from the schema the server sends; errors come from the server's validation. */
export const ActionForm = ({ form, values, errors, onChange, context }: ActionFormProps) => {
  const { t } = useT();
  // the file of an `upload` field, whose columns a `mapping` field maps
  const [upload, setUpload] = React.useState<UploadSummary | null>(null);

  const rangeHint = (spec: ValueSpec) => {
    if (spec.min !== undefined && spec.max !== undefined) return t('form.range', 'Between {min} and {max}', { min: spec.min, max: spec.max });
    if (spec.min !== undefined) return t('form.min', 'At least {min}', { min: spec.min });
    if (spec.max !== undefined) return t('form.max', 'At most {max}', { max: spec.max });
    return undefined;
  };

  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      {form.map((declared) => {
        // the built-ins' all-locales option speaks the editor's language
        const field =
          declared.name === 'allLocales' && declared.localizedOnly
            ? {
                ...declared,
                label: t('form.all-locales.label', 'All locales'),
                description: t('form.all-locales.hint', 'Also act on the other locales of the selected entries, where you may act in that locale.'),
              }
            : declared;
        const error = errors[field.name];
        const value = values[field.name];
        let input: React.ReactNode;
        let hint: React.ReactNode = field.description;

        if (field.type === 'changes') {
          input = (
            <ChangesInput
              options={field.options ?? []}
              value={value}
              context={context}
              onChange={(next) => onChange(field.name, next)}
              renderValue={(option, current, change) => (
                <ValueInput key={option.name} name={`${field.name}.${option.name}`} label={t('form.new-value', 'New value')} spec={option} value={current} onChange={change} hasError={Boolean(error)} />
              )}
            />
          );
        } else if (field.type === 'upload') {
          input = (
            <UploadInput
              name={field.name}
              label={field.label}
              upload={upload}
              hasError={Boolean(error)}
              onUploaded={(next) => {
                setUpload(next);
                onChange(field.name, next?.id);
              }}
            />
          );
        } else if (field.type === 'mapping') {
          input = <MappingInput name={field.name} upload={upload} options={field.options ?? []} value={value} onChange={(next) => onChange(field.name, next)} hasError={Boolean(error)} />;
        } else if (field.type === 'attribute') {
          input = (
            <SingleSelect
              name={field.name}
              aria-label={field.label}
              placeholder={t('form.choose-field', 'Choose a field')}
              value={typeof value === 'string' ? value : null}
              onChange={(next) => onChange(field.name, String(next))}
              hasError={Boolean(error)}
            >
              {(field.options ?? []).map((option) => (
                <SingleSelectOption key={option.name} value={option.name}>
                  {option.name}
                </SingleSelectOption>
              ))}
            </SingleSelect>
          );
        } else if (field.type === 'attributes') {
          hint = field.description ?? t('form.attributes.hint', 'Leave empty for every field you may read.');
          input = (
            <MultiSelect
              name={field.name}
              aria-label={field.label}
              placeholder={t('form.all-fields', 'All fields')}
              withTags
              value={Array.isArray(value) ? (value as string[]) : []}
              onChange={(next) => onChange(field.name, next)}
              onClear={() => onChange(field.name, [])}
              clearLabel={t('form.clear', 'Clear')}
              hasError={Boolean(error)}
            >
              {(field.options ?? []).map((option) => (
                <MultiSelectOption key={option.name} value={option.name}>
                  {option.name}
                </MultiSelectOption>
              ))}
            </MultiSelect>
          );
        } else if (field.type === 'attribute-value') {
          const of = form.find((other) => other.name === field.of);
          const chosen = of && typeof values[of.name] === 'string' ? (values[of.name] as string) : undefined;
          const option: AttributeOption | undefined = of?.options?.find((candidate) => candidate.name === chosen);
          if (!option) {
            hint = t('form.attribute-value.pick-first', 'Choose “{field}” first.', { field: of?.label ?? field.of });
            input = <TextInput name={field.name} aria-label={field.label} disabled value="" onChange={() => undefined} />;
          } else {
            hint = field.description ?? rangeHint(option);
            input = (
              // a new attribute is a new input (and a new value)
              <ValueInput
                key={option.name}
                name={field.name}
                label={field.label}
                spec={option}
                value={value}
                onChange={(next) => onChange(field.name, next)}
                hasError={Boolean(error)}
              />
            );
          }
        } else {
          hint = field.description ?? rangeHint(field);
          input = (
            <ValueInput
              name={field.name}
              label={field.label}
              spec={field}
              value={value}
              onChange={(next) => onChange(field.name, next)}
              hasError={Boolean(error)}
            />
          );
        }

        return (
          <Field.Root key={field.name} name={field.name} required={field.required} error={error} hint={hint}>
            <Field.Label>{field.label}</Field.Label>
            {input}
            <Field.Hint />
            <Field.Error />
          </Field.Root>
        );
      })}
    </Flex>
  );
};
