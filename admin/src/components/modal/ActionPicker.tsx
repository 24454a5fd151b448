import { Field, SingleSelect, SingleSelectOption } from '@strapi/design-system';
import { WarningCircle } from '@strapi/icons';
import type { ActionSummary } from '../../../../server/src/contracts';
import { isDestructive } from '../../utils/actions';
import { useT } from '../../hooks/useT';

interface ActionPickerProps {
  actions: ActionSummary[];
  value: string | null;
  description?: string | null;
  onChange: (name: string) => void;
}

/** The dropdown of the actions this user may run here; destructive ones are marked. */
export const ActionPicker = ({ actions, value, description, onChange }: ActionPickerProps) => {
  const { t } = useT();
  return (
    <Field.Root name="bulk-action" required hint={description ?? undefined}>
      <Field.Label>{t('modal.action', 'Action')}</Field.Label>
      <SingleSelect placeholder={t('modal.action.placeholder', 'Choose an action')} value={value} onChange={(name) => onChange(String(name))}>
        {actions.map((candidate) => (
          <SingleSelectOption
            key={candidate.name}
            value={candidate.name}
            startIcon={isDestructive(candidate) ? <WarningCircle fill="danger600" aria-hidden /> : undefined}
          >
            {isDestructive(candidate) ? t('modal.action.destructive', '{label} (destructive)', { label: candidate.label }) : candidate.label}
          </SingleSelectOption>
        ))}
      </SingleSelect>
      <Field.Hint />
    </Field.Root>
  );
};
