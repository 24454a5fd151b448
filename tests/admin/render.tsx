import * as React from 'react';
import { render } from '@testing-library/react';
import { DesignSystemProvider } from '@strapi/design-system';
import { IntlProvider } from 'react-intl';
import en from '../../admin/src/translations/en.json';
import fr from '../../admin/src/translations/fr.json';
import { prefixPluginTranslations } from '../../admin/src/utils/getTranslation';

/**
 * Renders an admin component as Strapi's admin would: design system theme and the plugin's texts in
 * English (or French), plus any messages a project registers (`extra`).
 */
export const renderInAdmin = (ui: React.ReactElement, { locale = 'en', extra = {} }: { locale?: 'en' | 'fr'; extra?: Record<string, string> } = {}) =>
  render(
    <IntlProvider locale={locale} messages={{ ...prefixPluginTranslations(locale === 'fr' ? fr : en), ...extra }} defaultLocale="en" onError={() => {}}>
      <DesignSystemProvider locale={locale}>{ui}</DesignSystemProvider>
    </IntlProvider>
  );
