package events_test

import (
	"encoding/json"
	"strconv"
)

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
