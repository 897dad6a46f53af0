package event

// Hand-written payloads for the most common events, in the shape the
// generator of the full catalog produces: one named struct per event
// (embedding Common), shared named types for nested objects, ids as ID,
// date-times as DateTime.

// MeetingObject is the meeting a meeting or webinar event is about.
type MeetingObject struct {
	ID        ID       `json:"id"`
	UUID      string   `json:"uuid"`
	HostID    string   `json:"host_id"`
	HostEmail string   `json:"host_email,omitempty"`
	Topic     string   `json:"topic"`
	Type      int      `json:"type"`
	StartTime DateTime `json:"start_time,omitempty"`
	EndTime   DateTime `json:"end_time,omitempty"`
	Timezone  string   `json:"timezone"`
	Duration  int      `json:"duration"`
	JoinURL   string   `json:"join_url,omitempty"`
	Password  string   `json:"password,omitempty"`
	Agenda    string   `json:"agenda,omitempty"`
}

// MeetingCreated is the payload of "meeting.created".
type MeetingCreated struct {
	Common
	Operation string        `json:"operation,omitempty"`
	Object    MeetingObject `json:"object"`
}

// EventName returns "meeting.created".
func (*MeetingCreated) EventName() string { return "meeting.created" }

// MeetingUpdated is the payload of "meeting.updated". OldObject holds only
// the fields that changed, with their previous values.
type MeetingUpdated struct {
	Common
	Scope     string        `json:"scope,omitempty"`
	TimeStamp int64         `json:"time_stamp"`
	Object    MeetingObject `json:"object"`
	OldObject MeetingObject `json:"old_object"`
}

// EventName returns "meeting.updated".
func (*MeetingUpdated) EventName() string { return "meeting.updated" }

// MeetingDeleted is the payload of "meeting.deleted".
type MeetingDeleted struct {
	Common
	Operation string        `json:"operation,omitempty"`
	Object    MeetingObject `json:"object"`
}

// EventName returns "meeting.deleted".
func (*MeetingDeleted) EventName() string { return "meeting.deleted" }

// MeetingStarted is the payload of "meeting.started".
type MeetingStarted struct {
	Common
	Object MeetingObject `json:"object"`
}

// EventName returns "meeting.started".
func (*MeetingStarted) EventName() string { return "meeting.started" }

// MeetingEnded is the payload of "meeting.ended".
type MeetingEnded struct {
	Common
	Object MeetingObject `json:"object"`
}

// EventName returns "meeting.ended".
func (*MeetingEnded) EventName() string { return "meeting.ended" }

// Participant is a meeting or webinar participant.
type Participant struct {
	UserID            string   `json:"user_id"`
	UserName          string   `json:"user_name"`
	ID                string   `json:"id,omitempty"`
	ParticipantUUID   string   `json:"participant_uuid,omitempty"`
	JoinTime          DateTime `json:"join_time,omitempty"`
	LeaveTime         DateTime `json:"leave_time,omitempty"`
	LeaveReason       string   `json:"leave_reason,omitempty"`
	Email             string   `json:"email"`
	RegistrantID      string   `json:"registrant_id,omitempty"`
	ParticipantUserID string   `json:"participant_user_id,omitempty"`
	CustomerKey       string   `json:"customer_key,omitempty"`
	PhoneNumber       string   `json:"phone_number,omitempty"`
}

// MeetingParticipantObject is a meeting with the participant an event is
// about.
type MeetingParticipantObject struct {
	MeetingObject
	Participant Participant `json:"participant"`
}

// MeetingParticipantJoined is the payload of "meeting.participant_joined".
type MeetingParticipantJoined struct {
	Common
	Object MeetingParticipantObject `json:"object"`
}

// EventName returns "meeting.participant_joined".
func (*MeetingParticipantJoined) EventName() string { return "meeting.participant_joined" }

// MeetingParticipantLeft is the payload of "meeting.participant_left".
type MeetingParticipantLeft struct {
	Common
	Object MeetingParticipantObject `json:"object"`
}

// EventName returns "meeting.participant_left".
func (*MeetingParticipantLeft) EventName() string { return "meeting.participant_left" }

// RecordingFile is one file of a cloud recording. Download it from
// DownloadURL with the event's download token ([Event.DownloadToken]).
type RecordingFile struct {
	ID             string   `json:"id"`
	MeetingID      string   `json:"meeting_id"`
	RecordingStart DateTime `json:"recording_start"`
	RecordingEnd   DateTime `json:"recording_end"`
	FileType       string   `json:"file_type"`
	FileSize       int64    `json:"file_size"`
	FileExtension  string   `json:"file_extension"`
	FileName       string   `json:"file_name,omitempty"`
	PlayURL        string   `json:"play_url,omitempty"`
	DownloadURL    string   `json:"download_url"`
	FilePath       string   `json:"file_path,omitempty"`
	Status         string   `json:"status"`
	RecordingType  string   `json:"recording_type"`
}

// RecordingObject is the recorded meeting of a recording event.
type RecordingObject struct {
	ID                    ID              `json:"id"`
	UUID                  string          `json:"uuid"`
	HostID                string          `json:"host_id"`
	AccountID             string          `json:"account_id"`
	Topic                 string          `json:"topic"`
	Type                  int             `json:"type"`
	StartTime             DateTime        `json:"start_time"`
	Password              string          `json:"password"`
	Timezone              string          `json:"timezone"`
	HostEmail             string          `json:"host_email"`
	Duration              int             `json:"duration"`
	ShareURL              string          `json:"share_url"`
	TotalSize             int64           `json:"total_size"`
	RecordingCount        int             `json:"recording_count"`
	OnPrem                bool            `json:"on_prem,omitempty"`
	RecordingPlayPasscode string          `json:"recording_play_passcode,omitempty"`
	AutoDelete            bool            `json:"auto_delete,omitempty"`
	AutoDeleteDate        string          `json:"auto_delete_date,omitempty"`
	RecordingFiles        []RecordingFile `json:"recording_files"`
	ParticipantAudioFiles []RecordingFile `json:"participant_audio_files,omitempty"`
}

// RecordingCompleted is the payload of "recording.completed". The
// download token is on the envelope: [Event.DownloadToken].
type RecordingCompleted struct {
	Common
	Object RecordingObject `json:"object"`
}

// EventName returns "recording.completed".
func (*RecordingCompleted) EventName() string { return "recording.completed" }

// WebinarStarted is the payload of "webinar.started".
type WebinarStarted struct {
	Common
	Object MeetingObject `json:"object"`
}

// EventName returns "webinar.started".
func (*WebinarStarted) EventName() string { return "webinar.started" }

// WebinarEnded is the payload of "webinar.ended".
type WebinarEnded struct {
	Common
	Object MeetingObject `json:"object"`
}

// EventName returns "webinar.ended".
func (*WebinarEnded) EventName() string { return "webinar.ended" }

// UserObject is the user a user event is about.
type UserObject struct {
	ID          string `json:"id"`
	FirstName   string `json:"first_name,omitempty"`
	LastName    string `json:"last_name,omitempty"`
	DisplayName string `json:"display_name,omitempty"`
	Email       string `json:"email"`
	Type        int    `json:"type"`
}

// UserCreated is the payload of "user.created".
type UserCreated struct {
	Common
	CreationType string     `json:"creation_type"`
	Object       UserObject `json:"object"`
}

// EventName returns "user.created".
func (*UserCreated) EventName() string { return "user.created" }
