import { Checkbox, DateTimePicker, Field, Flex } from '@strapi/design-system';
import { useT } from '../../hooks/useT';

interface RunLaterProps {
  schedule: { later: boolean; setLater: (later: boolean) => void; runAt: string | null; setRunAt: (runAt: string | null) => void };
}

/** "Run later": the selection is frozen at the confirm, a worker starts the run at the time chosen. */
export const RunLater = ({ schedule }: RunLaterProps) => {
  const { t } = useT();
  return (
    <Flex direction="column" alignItems="stretch" gap={2}>
      <Checkbox checked={schedule.later} onCheckedChange={(checked: boolean | 'indeterminate') => schedule.setLater(checked === true)}>
        {t('schedule.later', 'Run later')}
      </Checkbox>
      {schedule.later ? (
        <Field.Root name="runAt" hint={t('schedule.hint', 'The selection is fixed now; permissions are checked again when the run starts.')}>
          <Field.Label>{t('schedule.at', 'Run at')}</Field.Label>
          <DateTimePicker
            name="runAt"
            value={schedule.runAt ? new Date(schedule.runAt) : undefined}
            onChange={(date: Date | undefined) => schedule.setRunAt(date ? date.toISOString() : null)}
            onClear={() => schedule.setRunAt(null)}
            clearLabel={t('form.clear', 'Clear')}
          />
          <Field.Hint />
        </Field.Root>
      ) : null}
    </Flex>
  );
};
