import * as React from 'react';
import { useIntl, type IntlShape } from 'react-intl';
import type { ActionSummary, AvailableAction, FormField, TextMessages } from '../../../server/src/contracts';
import { useGetAvailableActionsQuery, useGetBulkActionsQuery } from '../api';

type QueryOptions = Parameters<typeof useGetBulkActionsQuery>[1];

/** A text declared in English on the server, in the editor's language when its translation id has a message. */
const translated = (intl: IntlShape, id: string | undefined, english: string) =>
  id ? (intl.formatMessage({ id, defaultMessage: english }) as string) : english;

const localizeTexts = <T extends { label: string; description?: string | null; messages?: TextMessages }>(intl: IntlShape, item: T): T => ({
  ...item,
  label: translated(intl, item.messages?.label, item.label),
  description: item.description ? translated(intl, item.messages?.description, item.description) : item.description,
});

const localizeReasons = (intl: IntlShape, action: Pick<ActionSummary, 'reasons' | 'messages'>) =>
  Object.fromEntries(Object.entries(action.reasons ?? {}).map(([code, text]) => [code, translated(intl, action.messages?.reasons?.[code], text)]));

const localizeAction = (intl: IntlShape, action: ActionSummary): ActionSummary => ({
  ...localizeTexts(intl, action),
  reasons: localizeReasons(intl, action),
  form: action.form.map((field: FormField) => localizeTexts(intl, field)),
});

/**
 * The confirm text of an action declaring one, in the editor's language: an ICU message with
 * `{count}`, so translations (and English) can say "1 entry" and "2 entries".
 */
export const confirmText = (intl: IntlShape, action: Pick<ActionSummary, 'confirm' | 'messages'>, count: number): string | null =>
  action.confirm.message
    ? (intl.formatMessage({ id: action.messages?.confirm ?? action.confirm.message, defaultMessage: action.confirm.message }, { count }) as string)
    : null;

/** The actions the signed-in user may run on a content type, their texts in the editor's language. */
export const useBulkActions = (model: string, options?: QueryOptions) => {
  const intl = useIntl();
  const { data, isLoading, isFetching, error } = useGetBulkActionsQuery(model, options);
  const localized = React.useMemo(
    (): { actions: ActionSummary[]; replacesBuiltIns: string[] } | undefined => (data ? { ...data, actions: data.actions.map((action: ActionSummary) => localizeAction(intl, action)) } : undefined),
    [data, intl]
  );
  return { data: localized, isLoading, isFetching, error };
};

/** Every action available to a content type (settings), their texts in the editor's language. */
export const useAvailableActions = (uid: string, options?: Parameters<typeof useGetAvailableActionsQuery>[1]) => {
  const intl = useIntl();
  const { data, isLoading, isFetching, error } = useGetAvailableActionsQuery(uid, options);
  const localized = React.useMemo((): AvailableAction[] | undefined => data?.map((action: AvailableAction) => ({ ...localizeTexts(intl, action), reasons: localizeReasons(intl, action) })), [data, intl]);
  return { data: localized, isLoading, isFetching, error };
};
