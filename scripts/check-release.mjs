// Run by `npm run dist` before anything is built: a release must name a real maintainer.
// electron-builder takes the Linux maintainer (a .deb is refused without one) and the package
// metadata from package.json "author", so that is the one place it is set.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const where = 'Set "author": { "name": …, "email": … } in package.json (README "Releasing").';

/**
 * Domains reserved for documentation and tests (RFC 2606, RFC 6761): mail to them goes nowhere,
 * so a package naming one has no maintainer anyone can reach.
 */
const reserved = /(^|\.)(example|test|invalid|localhost)$|(^|\.)example\.(com|net|org)$/i;

/** Why package.json "author" cannot be a release's maintainer, or undefined when it can. */
export function maintainerProblem(author) {
  if (typeof author === 'string')
    return `package.json "author" is a string; electron-builder needs it as an object with a name and an e-mail. ${where}`;
  const name = typeof author?.name === 'string' ? author.name.trim() : '';
  const email = typeof author?.email === 'string' ? author.email.trim() : '';
  if (!name || !email)
    return `package.json "author" needs both a name and an e-mail (a .deb is refused without them). ${where}`;
  const match = /^[^@\s]+@([^@\s]+\.[^@\s]+)$/.exec(email);
  if (!match) return `package.json "author.email" (${email}) is not an e-mail address. ${where}`;
  if (reserved.test(match[1]))
    return `package.json "author.email" (${email}) is a placeholder: ${match[1]} is a reserved domain no mail reaches. ${where}`;
  return undefined;
}

/**
 * Why package.json "homepage" cannot go into a .deb, or undefined when it can: electron-builder's
 * deb target refuses to build without a project URL ("Please specify project homepage").
 */
export function homepageProblem(homepage) {
  const fix = 'Set "homepage" in package.json to the product\'s https:// page (README "Releasing").';
  if (typeof homepage !== 'string' || !homepage.trim())
    return `package.json has no "homepage"; a .deb is refused without one. ${fix}`;
  let url;
  try {
    url = new URL(homepage);
  } catch {
    return `package.json "homepage" (${homepage}) is not a URL. ${fix}`;
  }
  if (url.protocol !== 'https:') return `package.json "homepage" (${homepage}) is not https://. ${fix}`;
  if (reserved.test(url.hostname))
    return `package.json "homepage" (${homepage}) is a placeholder: ${url.hostname} is reserved. ${fix}`;
  return undefined;
}

/** Everything that stops a release, one sentence each (empty when it can be cut). */
export function releaseProblems(pkg) {
  return [maintainerProblem(pkg.author), homepageProblem(pkg.homepage)].filter((problem) => problem !== undefined);
}

/** The maintainer line electron-builder writes into the .deb (`Name <email>`). */
export function maintainerLine(author) {
  return `${author.name.trim()} <${author.email.trim()}>`;
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const problems = releaseProblems(pkg);
  if (problems.length > 0) {
    for (const problem of problems) console.error(`Release refused: ${problem}`);
    process.exit(1);
  }
  console.log(`Release maintainer: ${maintainerLine(pkg.author)}`);
}
