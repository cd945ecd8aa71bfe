// Package frontend embeds the built agent workspace (dist/app) into the server binary.
package frontend

import "embed"

// Dist holds dist/app (built by `npm run build`) and a placeholder that keeps the directory in git.
//
//go:embed all:dist
var Dist embed.FS
