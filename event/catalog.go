package event

// builtinCatalog lists the built-in events, sorted by name. It is static
// data: no code runs at init to build it.
var builtinCatalog = [...]Info{
	{Name: "meeting.created", Product: "meetings", Typed: true},
	{Name: "meeting.deleted", Product: "meetings", Typed: true},
	{Name: "meeting.ended", Product: "meetings", Typed: true},
	{Name: "meeting.participant_joined", Product: "meetings", Typed: true},
	{Name: "meeting.participant_left", Product: "meetings", Typed: true},
	{Name: "meeting.started", Product: "meetings", Typed: true},
	{Name: "meeting.updated", Product: "meetings", Typed: true},
	{Name: "recording.completed", Product: "meetings", Typed: true},
	{Name: "user.created", Product: "users", Typed: true},
	{Name: "webinar.ended", Product: "meetings", Typed: true},
	{Name: "webinar.started", Product: "meetings", Typed: true},
}

// builtinPayload returns a new payload for a built-in typed event, or nil.
// A switch compiles to a binary search over constant strings: no map to
// build at init.
func builtinPayload(name string) Payload {
	switch name {
	case "meeting.created":
		return new(MeetingCreated)
	case "meeting.deleted":
		return new(MeetingDeleted)
	case "meeting.ended":
		return new(MeetingEnded)
	case "meeting.participant_joined":
		return new(MeetingParticipantJoined)
	case "meeting.participant_left":
		return new(MeetingParticipantLeft)
	case "meeting.started":
		return new(MeetingStarted)
	case "meeting.updated":
		return new(MeetingUpdated)
	case "recording.completed":
		return new(RecordingCompleted)
	case "user.created":
		return new(UserCreated)
	case "webinar.ended":
		return new(WebinarEnded)
	case "webinar.started":
		return new(WebinarStarted)
	}
	return nil
}
