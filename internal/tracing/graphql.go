package tracing

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Extension is a gqlgen extension that gives each query and mutation a span, and under it each
// field with a resolver of its own (the ones that read or write the database; the fields ent
// loaded with their parent have none). Subscriptions get no operation span: they last as long as
// their socket.
type Extension struct{}

var (
	_ graphql.HandlerExtension     = Extension{}
	_ graphql.OperationInterceptor = Extension{}
	_ graphql.FieldInterceptor     = Extension{}
)

// ExtensionName implements graphql.HandlerExtension.
func (Extension) ExtensionName() string { return "Tracing" }

// Validate implements graphql.HandlerExtension.
func (Extension) Validate(graphql.ExecutableSchema) error { return nil }

// InterceptOperation implements graphql.OperationInterceptor.
func (Extension) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	oc := graphql.GetOperationContext(ctx)
	if oc == nil || oc.Operation == nil || oc.Operation.Operation == "subscription" {
		return next(ctx)
	}
	kind, opName := string(oc.Operation.Operation), oc.Operation.Name
	ctx, span := Start(ctx, strings.TrimSpace("graphql."+kind+" "+opName), trace.WithAttributes(
		attribute.String("graphql.operation.type", kind), attribute.String("graphql.operation.name", opName)))
	respond := next(ctx)
	return func(ctx context.Context) *graphql.Response {
		resp := respond(ctx)
		if resp != nil && len(resp.Errors) > 0 {
			span.SetStatus(codes.Error, resp.Errors.Error())
		}
		span.End()
		return resp
	}
}

// InterceptField implements graphql.FieldInterceptor.
func (Extension) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || !fc.IsResolver || fc.Object == "Subscription" {
		return next(ctx)
	}
	ctx, span := Start(ctx, "graphql.resolve "+fc.Object+"."+fc.Field.Name, trace.WithAttributes(
		attribute.String("graphql.field.path", fc.Path().String())))
	res, err := next(ctx)
	End(span, err)
	return res, err
}
