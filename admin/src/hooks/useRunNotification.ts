import * as React from 'react';
import { useNotification } from '@strapi/strapi/admin';
import { useHref } from 'react-router-dom';
import { RUNS_PATH } from '../constants';
import type { RunView } from '../types';
import { useRunFormat, type ActionReasons } from './useRunFormat';
import { useT } from './useT';

/** A Strapi notification with a run's counts and a link to it in the audit log. */
export const useRunNotification = () => {
  const { toggleNotification } = useNotification();
  const { t } = useT();
  const format = useRunFormat();
  const runsHref = useHref(`/settings/${RUNS_PATH}`);

  return React.useCallback(
    (run: RunView, action: { label: string; reasons?: ActionReasons }, extra?: string) => {
      toggleNotification({
        type: format.notificationType(run.status),
        title: action.label,
        message: [format.summary(run, action.reasons), extra].filter(Boolean).join(' · '),
        link: { label: t('notification.view-run', 'View run #{id}', { id: run.id }), url: `${runsHref}/${run.id}` },
        timeout: run.status === 'succeeded' ? 6000 : 12000,
      });
    },
    [toggleNotification, format, t, runsHref]
  );
};
