// Package scalar holds the API's custom scalar mappings.
package scalar

import (
	"encoding/json"
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"switchboard/internal/fault"
)

// MarshalIntID writes an ent global id (an int) as a GraphQL ID string.
func MarshalIntID(id int) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(strconv.Itoa(id))) })
}

// UnmarshalIntID reads a GraphQL ID; anything but a decimal id is BAD_USER_INPUT.
func UnmarshalIntID(v any) (int, error) {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case json.Number:
		s = string(v)
	case int:
		return v, nil
	case int64:
		return int(v), nil
	}
	id, err := strconv.Atoi(s)
	if err != nil || id < 0 {
		return 0, fault.Invalid("id", "%v is not an id of this API: use the id field of an object", v)
	}
	return id, nil
}
