import fs from 'fs';
import path from 'path';

/** The plugin under development is the repository this playground lives in. */
function findPluginRoot(start: string): string {
  let dir = start;
  while (dir !== path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'strapi-plugin-bulk-actions') {
      return dir;
    }
    dir = path.dirname(dir);
  }
  throw new Error(`strapi-plugin-bulk-actions not found above ${start}`);
}

export default () => ({
  'bulk-actions': {
    enabled: true,
    resolve: findPluginRoot(__dirname),
  },
});
