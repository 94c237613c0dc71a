/*
 * Ledger entries (loyalty/ledger.h): the kinds, and the entry as a value
 * class. An entry is copied out of the program (loyalty_entry owns nothing),
 * so it is returned by value and read field by field; it outlives the
 * program. The calls that return entries are the program's (swig/program.i).
 *
 * SPDX-License-Identifier: MIT
 */

/* ---- constants (the values are part of the ABI) ------------------------------ */

enum loyalty_entry_kind {
	LOYALTY_ENTRY_ENROLL = 0, LOYALTY_ENTRY_EARN = 1, LOYALTY_ENTRY_MATURE = 2, LOYALTY_ENTRY_REFUND = 3,
	LOYALTY_ENTRY_REDEEM = 4, LOYALTY_ENTRY_REDEEM_CANCEL = 5, LOYALTY_ENTRY_EXPIRE = 6, LOYALTY_ENTRY_ADJUST = 7,
	LOYALTY_ENTRY_TRANSFER_OUT = 8, LOYALTY_ENTRY_TRANSFER_IN = 9, LOYALTY_ENTRY_PARTNER = 10,
	LOYALTY_ENTRY_ACTION = 11, LOYALTY_ENTRY_REFERRAL = 12, LOYALTY_ENTRY_DONATE = 13, LOYALTY_ENTRY_TIER = 14,
	LOYALTY_ENTRY_DEBT_REPAY = 15
};

%constant int LOYALTY_MEMO_MAX = LOYALTY_MEMO_MAX;
%constant int LOYALTY_KEY_MAX = LOYALTY_KEY_MAX;

/* "earn", "redeem", ...; NULL (None) for an unknown kind */
const char *loyalty_entry_kind_name(int kind);

/* ---- the entry ------------------------------------------------------------------ */

%loyalty_value(Entry, loyalty_entry)

%extend loyalty_swig_Entry {
	uint64_t seq() const { return $self->seq; }
	const loyalty_id *id() const { return &$self->id; }
	const loyalty_id *customer_id() const { return &$self->customer_id; }
	int kind() const { return (int)$self->kind; }
	int64_t points() const { return $self->points; }
	int64_t pending() const { return $self->pending; }
	int64_t debt() const { return $self->debt; }
	int64_t available_after() const { return $self->available_after; }
	int64_t pending_after() const { return $self->pending_after; }
	int64_t at() const { return $self->at; }
	const char *key() const { return $self->key; }
	const char *ref() const { return $self->ref; }
	const char *memo() const { return $self->memo; }
}
