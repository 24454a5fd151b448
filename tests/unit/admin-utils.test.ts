import { fileNameOf } from '../../admin/src/utils/download';
import { parseError } from '../../admin/src/utils/errors';
import { localeOf, selectionQueryOf } from '../../admin/src/utils/selection';

describe('admin: the list URL as a selection', () => {
  it('keeps filters and a search, drops empty ones and everything else', () => {
    expect(selectionQueryOf({ filters: { $and: [{ title: { $eq: 'x' } }] }, _q: 'news', page: '2', sort: 'title:ASC' })).toEqual({
      filters: { $and: [{ title: { $eq: 'x' } }] },
      _q: 'news',
    });
    expect(selectionQueryOf({ filters: {}, _q: '   ' })).toEqual({});
  });

  it('reads the i18n locale of the list', () => {
    expect(localeOf({ plugins: { i18n: { locale: 'fr' } } })).toBe('fr');
    expect(localeOf({ plugins: { i18n: { locale: '' } } })).toBeUndefined();
    expect(localeOf({})).toBeUndefined();
  });
});

describe('admin: server errors as the form shows them', () => {
  const body = {
    error: {
      status: 400,
      name: 'ValidationError',
      message: 'params.value must be at least 0; body.locale: unknown',
      details: {
        errors: [
          { path: ['params', 'value'], message: 'must be at least 0' },
          { path: ['params', 'value'], message: 'must be a whole number' },
          { path: ['body', 'locale'], message: 'unknown' },
        ],
      },
    },
  };

  it('puts params errors on their fields and the rest apart', () => {
    expect(parseError(body, 'fallback')).toEqual({
      status: 400,
      name: 'ValidationError',
      message: 'params.value must be at least 0; body.locale: unknown',
      fieldErrors: { value: 'must be at least 0; must be a whole number' },
      otherErrors: ['body.locale: unknown'],
    });
  });

  it('reads the error of a fetch-client failure and falls back on a message', () => {
    expect(parseError({ response: { data: body } }, 'fallback').name).toBe('ValidationError');
    expect(parseError(undefined, 'The action could not run.')).toMatchObject({ name: 'Error', message: 'The action could not run.' });
  });
});

describe('admin: file names of downloads', () => {
  it.each([
    ['attachment; filename="articles-2026-12-01.csv"', 'articles-2026-12-01.csv'],
    ["attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.csv", 'résumé.csv'],
    ['attachment; filename=plain.csv', 'plain.csv'],
    [null, 'fallback.csv'],
  ])('%s', (header, name) => {
    expect(fileNameOf(header, 'fallback.csv')).toBe(name);
  });
});
