package search

// SetCountCap lowers the count's cap for a test, so that both ways of Narrow run on a small corpus;
// the returned func restores it.
func SetCountCap(n int) func() {
	old := countCap
	countCap = n
	return func() { countCap = old }
}

// CountCap is the cap in force.
func CountCap() int { return countCap }
