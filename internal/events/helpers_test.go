package events_test

import "strconv"

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
