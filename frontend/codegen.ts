import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed operations for the agent workspace: the schema is the server's (../schema), the
// documents are the graphql() calls in src/. Output goes to src/gql (committed; `npm run codegen`
// regenerates it).
const config: CodegenConfig = {
  schema: '../schema/*.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
      },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: {
          ID: 'string',
          Time: 'string',
          Cursor: 'string',
          Map: 'Record<string, unknown>',
        },
      },
    },
  },
};

export default config;
