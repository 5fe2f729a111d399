// Prettier: the house style (single quotes, semicolons, 2 spaces, trailing commas) with the long lines
// the code already had. What it does not format is in .prettierignore.
/** @type {import('prettier').Config} */
export default {
  printWidth: 160,
  singleQuote: true,
  semi: true,
  tabWidth: 2,
  trailingComma: 'all',
  arrowParens: 'always',
};
