package enum

import "io"

// DeliveryStatus is how far an outbound webhook delivery got (SPEC §12).
type DeliveryStatus string

// Delivery statuses.
const (
	// DeliveryPending: not yet accepted by the endpoint; tried again after a backoff.
	DeliveryPending DeliveryStatus = "PENDING"
	// DeliveryDelivered: the endpoint answered 2xx.
	DeliveryDelivered DeliveryStatus = "DELIVERED"
	// DeliveryFailed: given up after the retry window; the conversation's next event goes on.
	DeliveryFailed DeliveryStatus = "FAILED"
)

// Values of DeliveryStatus.
func (DeliveryStatus) Values() []string {
	return strs(DeliveryPending, DeliveryDelivered, DeliveryFailed)
}

// MarshalGQL writes the status as a GraphQL enum value.
func (e DeliveryStatus) MarshalGQL(w io.Writer) { marshal(e, w) }

// UnmarshalGQL reads a GraphQL enum value (BAD_USER_INPUT outside the set).
func (e *DeliveryStatus) UnmarshalGQL(v any) error { return unmarshal(e, v) }
