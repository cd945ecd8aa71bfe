package tracing

import (
	"context"

	"github.com/jackc/pgx/v5"
	semconv "go.opentelemetry.io/otel/semconv/v1.37.0"
	"go.opentelemetry.io/otel/trace"
)

// maxStatement bounds the SQL text a span carries.
const maxStatement = 2000

// PgxTracer gives each Postgres query a span (pgx's QueryTracer), under the span of the request,
// operation or worker whose context ran it. Storage installs it when tracing is Enabled.
type PgxTracer struct{}

// TraceQueryStart implements pgx.QueryTracer.
func (PgxTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	sql := data.SQL
	if len(sql) > maxStatement {
		sql = sql[:maxStatement]
	}
	ctx, _ = Start(ctx, "db.query", trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(semconv.DBSystemNamePostgreSQL, semconv.DBQueryText(sql)))
	return ctx
}

// TraceQueryEnd implements pgx.QueryTracer.
func (PgxTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryEndData) {
	span := trace.SpanFromContext(ctx)
	if data.Err == nil {
		span.SetAttributes(semconv.DBResponseReturnedRows(int(data.CommandTag.RowsAffected())))
	}
	End(span, data.Err)
}
