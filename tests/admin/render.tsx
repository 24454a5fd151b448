import * as React from 'react';
import { render } from '@testing-library/react';
import { DesignSystemProvider } from '@strapi/design-system';
import { IntlProvider } from 'react-intl';
import en from '../../admin/src/translations/en.json';
import { prefixPluginTranslations } from '../../admin/src/utils/getTranslation';

/** Renders an admin component as Strapi's admin would: design system theme and the plugin's English texts. */
export const renderInAdmin = (ui: React.ReactElement) =>
  render(
    <IntlProvider locale="en" messages={prefixPluginTranslations(en)} defaultLocale="en">
      <DesignSystemProvider locale="en">{ui}</DesignSystemProvider>
    </IntlProvider>
  );
