// Package tracing is Switchboard's OpenTelemetry tracing: spans for each HTTP request (otelhttp),
// GraphQL operation and resolver (Extension), database call (PgxTracer), event bus delivery and
// routing dispatch (Start). Spans are exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT
// (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, with OpenTelemetry's other OTEL_* variables;
// otherwise tracing is off and costs nothing: no wrapper, extension or database tracer is
// installed (Enabled). Log lines written with a context carry its trace and span ids (LogHandler).
package tracing

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"sync/atomic"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/propagation"
	sdkresource "go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.37.0"
	"go.opentelemetry.io/otel/trace"
)

// name is the instrumentation scope of every span.
const name = "switchboard"

var enabled atomic.Bool

// Enabled reports whether spans are recorded (Setup found an endpoint, or a test called Use).
func Enabled() bool { return enabled.Load() }

// Setup starts exporting spans when the environment names an OTLP endpoint, and returns the
// function that flushes and stops the exporter (nil error, nothing to do, otherwise).
func Setup(ctx context.Context, service, instance string) (shutdown func(context.Context) error, err error) {
	if os.Getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == "" && os.Getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "" {
		return func(context.Context) error { return nil }, nil
	}
	exp, err := otlptracehttp.New(ctx)
	if err != nil {
		return nil, err
	}
	res, err := sdkresource.Merge(sdkresource.Default(), sdkresource.NewSchemaless(
		semconv.ServiceName(service), semconv.ServiceInstanceID(instance)))
	if err != nil && !errors.Is(err, sdkresource.ErrPartialResource) {
		return nil, err
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	Use(tp)
	return tp.Shutdown, nil
}

// Use records spans with tp from now on (Setup, and the tests with an in-memory exporter). What
// is built afterwards (handlers, databases) installs its instrumentation.
func Use(tp trace.TracerProvider) {
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	enabled.Store(tp != nil)
}

// Start starts a span named name under ctx's (a no-op span when tracing is off).
func Start(ctx context.Context, spanName string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	if !Enabled() {
		return ctx, trace.SpanFromContext(ctx)
	}
	return otel.Tracer(name).Start(ctx, spanName, opts...)
}

// End ends span, recording err as its error when there is one.
func End(span trace.Span, err error) {
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	span.End()
}

// LogHandler adds to each line the request id (RequestID) and the trace and span ids of the log
// call's context (slog's …Context functions and Logger.Log), when it has them.
type LogHandler struct {
	slog.Handler
	// RequestID reads the request id from a context ("" for none).
	RequestID func(context.Context) string
}

// Handle implements slog.Handler.
func (h LogHandler) Handle(ctx context.Context, r slog.Record) error {
	if h.RequestID != nil {
		if id := h.RequestID(ctx); id != "" && !hasAttr(r, "request_id") {
			r.AddAttrs(slog.String("request_id", id))
		}
	}
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("trace_id", sc.TraceID().String()), slog.String("span_id", sc.SpanID().String()))
	}
	return h.Handler.Handle(ctx, r)
}

func hasAttr(r slog.Record, key string) (found bool) {
	r.Attrs(func(a slog.Attr) bool {
		found = a.Key == key
		return !found
	})
	return found
}

// WithAttrs implements slog.Handler.
func (h LogHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return LogHandler{Handler: h.Handler.WithAttrs(as), RequestID: h.RequestID}
}

// WithGroup implements slog.Handler.
func (h LogHandler) WithGroup(g string) slog.Handler {
	return LogHandler{Handler: h.Handler.WithGroup(g), RequestID: h.RequestID}
}
