import * as React from 'react';
import { useIntl } from 'react-intl';
import { getTranslation } from '../utils/getTranslation';

type Values = Record<string, string | number | boolean | null | undefined | Date | React.ReactNode | ((chunks: React.ReactNode[]) => React.ReactNode)>;

/**
 * `t('key', 'Default text', values)`: react-intl's formatMessage with the plugin's id prefix.
 * Every key used this way is in translations/en.json (the default text is the English one).
 */
export const useT = () => {
  const intl = useIntl();
  const t = React.useCallback(
    (id: string, defaultMessage: string, values?: Values): string =>
      intl.formatMessage({ id: getTranslation(id), defaultMessage }, values as Record<string, string>) as string,
    [intl]
  );
  return { t, intl, formatNumber: intl.formatNumber, formatDate: intl.formatDate };
};
