/*
 * The program (loyalty/program.h): options, definitions, customers, earning,
 * spending, tiers, maintenance, progress and the ledger.
 *
 *  - loyalty_program_new takes the calculator on success only: its parameter
 *    is named taken_on_success (swig/common.i), and each language's prelude
 *    makes the proxy give the handle up after a successful call.
 *  - Every call is bracketed by LOYALTY_SWIG_PROGRAM_BEGIN/END (common.i):
 *    the host's other threads run meanwhile (the Python GIL is released
 *    unconditionally), and a custom strategy cannot call back into the
 *    program that runs it.
 *  - Results that are C structs come back by value as value classes
 *    (%loyalty_value): RefundResult, Redemption, MaintenanceReport, Progress,
 *    Reward, and Entry (swig/ledger.i). They own no memory of the program.
 *  - Options are a struct with settable fields (ProgramOptions), initialised
 *    with LOYALTY_PROGRAM_OPTIONS_INIT.
 *  - Tier benefits are passed as one string of names separated by spaces
 *    (names are [A-Za-z0-9_.-]), so that no language needs a typemap for a
 *    list of strings.
 *  - loyalty_program_calculator (a borrowed pointer) is not wrapped: the host
 *    keeps the calculator object it gave to the program.
 *
 * SPDX-License-Identifier: MIT
 */

/* ---- constants (the values are part of the ABI) ---------------------------- */

enum loyalty_refund_policy { LOYALTY_REFUND_NEGATIVE_BALANCE = 0, LOYALTY_REFUND_DEBT = 1 };

enum loyalty_expiry_mode { LOYALTY_EXPIRY_NEVER = 0, LOYALTY_EXPIRY_BUCKET = 1, LOYALTY_EXPIRY_INACTIVITY = 2 };

enum loyalty_period {
	LOYALTY_PERIOD_NONE = 0, LOYALTY_PERIOD_DAY = 1, LOYALTY_PERIOD_WEEK = 2, LOYALTY_PERIOD_MONTH = 3,
	LOYALTY_PERIOD_QUARTER = 4, LOYALTY_PERIOD_YEAR = 5, LOYALTY_PERIOD_EVER = 6
};

enum loyalty_tier_metric { LOYALTY_TIER_BY_SPEND = 0, LOYALTY_TIER_BY_POINTS = 1 };

enum loyalty_tier_window { LOYALTY_TIER_CALENDAR_YEAR = 0, LOYALTY_TIER_ROLLING_DAYS = 1 };

%constant int LOYALTY_NAME_ID_MAX = LOYALTY_NAME_ID_MAX;
%constant int LOYALTY_REFERRAL_CODE_LEN = LOYALTY_REFERRAL_CODE_LEN;

/* ---- helpers ------------------------------------------------------------------- */

%{
/* One status-returning call on a program (see LOYALTY_SWIG_PROGRAM_BEGIN). */
#define LOYALTY_SWIG_ON(program, call) \
	do { \
		LOYALTY_SWIG_PROGRAM_BEGIN(program) \
		loyalty_swig_status(call); \
		LOYALTY_SWIG_PROGRAM_END \
	} while (0)

/* A reward definition that owns its strings (loyalty_program_reward_at lends
 * them from the program). min_tier is "" when any customer may redeem. */
typedef struct loyalty_swig_reward {
	char id[LOYALTY_NAME_ID_MAX + 1];
	char name[LOYALTY_NAME_MAX + 1];
	char min_tier[LOYALTY_TIER_NAME_MAX + 1];
	int64_t cost, valid_from, valid_until, stock;
} loyalty_swig_reward;

static void loyalty_swig_copy(char *dst, size_t size, const char *src)
{
	size_t n = src != NULL ? strlen(src) : 0;

	if (n >= size)
		n = size - 1;
	if (n > 0)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

static loyalty_swig_reward loyalty_swig_reward_at(const loyalty_program *p, size_t i)
{
	loyalty_reward_def def = LOYALTY_REWARD_DEF_INIT;
	loyalty_swig_reward r;
	int rc = LOYALTY_ESTATE;

	memset(&r, 0, sizeof r);
	LOYALTY_SWIG_PROGRAM_BEGIN(p)
	rc = loyalty_swig_status(loyalty_program_reward_at(p, i, &def));
	LOYALTY_SWIG_PROGRAM_END
	if (rc == LOYALTY_OK) { /* the strings live as long as the program */
		loyalty_swig_copy(r.id, sizeof r.id, def.id);
		loyalty_swig_copy(r.name, sizeof r.name, def.name);
		loyalty_swig_copy(r.min_tier, sizeof r.min_tier, def.min_tier);
		r.cost = def.cost;
		r.valid_from = def.valid_from;
		r.valid_until = def.valid_until;
		r.stock = def.stock;
	}
	return r;
}

static int loyalty_swig_add_reward(loyalty_program *p, const char *id, const char *name, int64_t cost,
                                   const char *min_tier, int64_t valid_from, int64_t valid_until, int64_t stock)
{
	loyalty_reward_def def = LOYALTY_REWARD_DEF_INIT;
	int rc = LOYALTY_ESTATE;

	def.id = id;
	def.name = name;
	def.cost = cost;
	def.min_tier = min_tier;
	def.valid_from = valid_from;
	def.valid_until = valid_until;
	def.stock = stock;
	LOYALTY_SWIG_PROGRAM_BEGIN(p)
	rc = loyalty_program_add_reward(p, &def);
	LOYALTY_SWIG_PROGRAM_END
	return loyalty_swig_status(rc);
}

/* add_tier with @p benefits as names separated by spaces (NULL or "": none). */
static int loyalty_swig_add_tier(loyalty_program *p, const char *name, int64_t threshold, const char *benefits)
{
	size_t len = benefits != NULL ? strlen(benefits) : 0, n = 0;
	const char **list = NULL;
	char *copy = NULL;
	int rc = LOYALTY_ESTATE;

	if (len > 0) {
		copy = malloc(len + 1);
		list = malloc((len / 2 + 1) * sizeof *list);
		if (copy == NULL || list == NULL) {
			free(copy);
			free(list);
			return loyalty_swig_status(loyalty_error_set(LOYALTY_ENOMEM, "loyalty_program_add_tier: out of memory"));
		}
		memcpy(copy, benefits, len + 1);
		for (char *s = copy; *s != '\0';) {
			while (*s == ' ')
				*s++ = '\0';
			if (*s == '\0')
				break;
			list[n++] = s;
			while (*s != '\0' && *s != ' ')
				s++;
		}
	}
	LOYALTY_SWIG_PROGRAM_BEGIN(p)
	rc = loyalty_program_add_tier(p, name, threshold, n > 0 ? list : NULL, n);
	LOYALTY_SWIG_PROGRAM_END
	free(copy);
	free(list);
	return loyalty_swig_status(rc);
}

static const char *loyalty_swig_referral_code(const loyalty_program *p, const loyalty_id *id)
{
	static _Thread_local char code[LOYALTY_REFERRAL_CODE_LEN + 1];

	code[0] = '\0';
	LOYALTY_SWIG_ON(p, loyalty_program_referral_code(p, id, code, sizeof code));
	return code;
}

/* The handles a call reads besides the program are marked busy (a host thread
 * cannot change them meanwhile). */
static loyalty_customer *loyalty_swig_enroll(loyalty_program *p, const char *key, const loyalty_customer *profile,
                                             const char *referral_code, int64_t at)
{
	const void *handles[1];
	loyalty_customer *c = NULL;
	int rc = LOYALTY_ESTATE;

	handles[0] = profile;
	LOYALTY_SWIG_BUSY_BEGIN(handles, 1)
	LOYALTY_SWIG_PROGRAM_BEGIN(p)
	rc = loyalty_program_enroll(p, key, profile, referral_code, at, &c);
	LOYALTY_SWIG_PROGRAM_END
	LOYALTY_SWIG_BUSY_END
	return loyalty_swig_new(c, rc);
}

static loyalty_receipt *loyalty_swig_record_purchase(loyalty_program *p, const loyalty_purchase *purchase)
{
	const void *handles[1];
	loyalty_receipt *r = NULL;
	int rc = LOYALTY_ESTATE;

	handles[0] = purchase;
	LOYALTY_SWIG_BUSY_BEGIN(handles, 1)
	LOYALTY_SWIG_PROGRAM_BEGIN(p)
	rc = loyalty_program_record_purchase(p, purchase, &r);
	LOYALTY_SWIG_PROGRAM_END
	LOYALTY_SWIG_BUSY_END
	return loyalty_swig_new(r, rc);
}

#if defined(SWIGPYTHON)
/* Program.record (defined at the end of this file, Python only) */
static int64_t loyalty_py_record(loyalty_program *p, const char *key, const loyalty_id *customer, int64_t at,
                                 PyObject *lines);
#endif
%}

/* ---- value classes ---------------------------------------------------------------- */

%{
#define loyalty_swig_ProgramOptions loyalty_program_options
%}
%rename(ProgramOptions) loyalty_swig_ProgramOptions;
/* The fields of loyalty_program_options (enums as int; the version is INIT's). */
struct loyalty_swig_ProgramOptions {
	int pending_days;
	int refund_policy;
	int64_t cap_per_purchase;
	int64_t cap_per_period;
	int cap_period;
	int expiry;
	int expiry_months;
	int expiry_days;
	int expiry_round_up;
	int tier_metric;
	int tier_window;
	int tier_window_days;
	int tier_grace_days;
	int64_t referrer_bonus;
	int64_t referee_bonus;
	int64_t referral_min_spend;
	int referral_max_per_referrer;
};
typedef struct loyalty_swig_ProgramOptions loyalty_program_options;

%loyalty_fallible_begin
%extend loyalty_swig_ProgramOptions {
	/* the defaults: LOYALTY_PROGRAM_OPTIONS_INIT */
	loyalty_swig_ProgramOptions() {
		static const loyalty_program_options init = LOYALTY_PROGRAM_OPTIONS_INIT;
		loyalty_program_options *o = malloc(sizeof *o);

		if (o == NULL)
			return loyalty_swig_new(NULL, loyalty_error_set(LOYALTY_ENOMEM, "ProgramOptions: out of memory"));
		*o = init;
		return o;
	}
}
%loyalty_fallible_end
%extend loyalty_swig_ProgramOptions {
	~loyalty_swig_ProgramOptions() { free($self); }
}

%loyalty_value(RefundResult, loyalty_refund_result)
%extend loyalty_swig_RefundResult {
	int64_t clawed_back() const { return $self->clawed_back; }
	int64_t from_pending() const { return $self->from_pending; }
	int64_t debt_added() const { return $self->debt_added; }
	int64_t refunded_total() const { return $self->refunded_total; }
	uint64_t entry_seq() const { return $self->entry_seq; }
}

%loyalty_value(Redemption, loyalty_redemption)
%extend loyalty_swig_Redemption {
	const loyalty_id *id() const { return &$self->id; }
	const loyalty_id *customer_id() const { return &$self->customer_id; }
	const char *reward() const { return $self->reward; }
	int64_t points() const { return $self->points; }
	int64_t at() const { return $self->at; }
	int cancelled() const { return $self->cancelled; }
	uint64_t entry_seq() const { return $self->entry_seq; }
}

%loyalty_value(MaintenanceReport, loyalty_maintenance_report)
%extend loyalty_swig_MaintenanceReport {
	int64_t matured() const { return $self->matured; }
	int64_t expired() const { return $self->expired; }
	size_t tier_changes() const { return $self->tier_changes; }
	size_t entries() const { return $self->entries; }
}

%loyalty_value(Progress, loyalty_progress)
%extend loyalty_swig_Progress {
	const char *tier() const { return $self->tier; }
	const char *next_tier() const { return $self->next_tier; }
	int64_t metric() const { return $self->metric; }
	int64_t to_next_tier() const { return $self->to_next_tier; }
	int64_t available() const { return $self->available; }
	int64_t pending() const { return $self->pending; }
	int64_t debt() const { return $self->debt; }
	int64_t next_maturity() const { return $self->next_maturity; }
	int64_t next_maturity_points() const { return $self->next_maturity_points; }
	int64_t next_expiry() const { return $self->next_expiry; }
	int64_t next_expiry_points() const { return $self->next_expiry_points; }
}

%loyalty_value(Reward, loyalty_swig_reward)
%extend loyalty_swig_Reward {
	const char *id() const { return $self->id; }
	const char *name() const { return $self->name; }
	int64_t cost() const { return $self->cost; }
	const char *min_tier() const { return $self->min_tier; }
	int64_t valid_from() const { return $self->valid_from; }
	int64_t valid_until() const { return $self->valid_until; }
	int64_t stock() const { return $self->stock; }
}

/* ---- the program ------------------------------------------------------------------ */

%loyalty_handle(Program, loyalty_program, loyalty_program_free)

%loyalty_fallible_begin
%newobject loyalty_swig_Program::enroll;
%newobject loyalty_swig_Program::get_customer;
%newobject loyalty_swig_Program::find_customer;
%newobject loyalty_swig_Program::record_purchase;
%extend loyalty_swig_Program {
	/* takes the calculator when it succeeds; a failure leaves it with the caller */
	loyalty_swig_Program(loyalty_calculator *taken_on_success, const loyalty_program_options *options) {
		loyalty_program *p = NULL;
		int rc = loyalty_program_new(&p, taken_on_success, options);
		return loyalty_swig_new(p, rc);
	}
	loyalty_program_options options() const {
		loyalty_program_options o = LOYALTY_PROGRAM_OPTIONS_INIT;
		LOYALTY_SWIG_ON($self, loyalty_program_options_get($self, &o));
		return o;
	}

	/* definitions; benefits: names separated by spaces */
	void add_tier(const char *name, int64_t threshold, const char *benefits) {
		loyalty_swig_add_tier($self, name, threshold, benefits);
	}
	size_t tier_count() const {
		size_t n = 0;
		LOYALTY_SWIG_PROGRAM_BEGIN($self)
		n = loyalty_program_tier_count($self);
		LOYALTY_SWIG_PROGRAM_END
		return n;
	}
	/* NULL (None) when i is out of range */
	const char *tier_name(size_t i) const {
		const char *name = NULL;
		LOYALTY_SWIG_PROGRAM_BEGIN($self)
		name = loyalty_program_tier_name($self, i);
		LOYALTY_SWIG_PROGRAM_END
		return name;
	}
	int64_t tier_threshold(size_t i) const {
		int64_t t = -1;
		LOYALTY_SWIG_PROGRAM_BEGIN($self)
		t = loyalty_program_tier_threshold($self, i);
		LOYALTY_SWIG_PROGRAM_END
		return t;
	}
	int tier_has_benefit(const char *tier, const char *benefit) const {
		int has = 0;
		LOYALTY_SWIG_PROGRAM_BEGIN($self)
		has = loyalty_program_tier_has_benefit($self, tier, benefit);
		LOYALTY_SWIG_PROGRAM_END
		return has;
	}
	size_t tier_benefit_count(const char *tier) const {
		size_t n = 0;
		LOYALTY_SWIG_PROGRAM_BEGIN($self)
		n = loyalty_program_tier_benefit_count($self, tier);
		LOYALTY_SWIG_PROGRAM_END
		return n;
	}
	const char *tier_benefit(const char *tier, size_t j) const {
		const char *b = NULL;
		LOYALTY_SWIG_PROGRAM_BEGIN($self)
		b = loyalty_program_tier_benefit($self, tier, j);
		LOYALTY_SWIG_PROGRAM_END
		return b;
	}
	/* name, min_tier NULL: none; valid_from INT64_MIN, valid_until 0, stock -1: no limit */
	void add_reward(const char *id, const char *name, int64_t cost, const char *min_tier, int64_t valid_from,
	                int64_t valid_until, int64_t stock) {
		loyalty_swig_add_reward($self, id, name, cost, min_tier, valid_from, valid_until, stock);
	}
	size_t reward_count() const {
		size_t n = 0;
		LOYALTY_SWIG_PROGRAM_BEGIN($self)
		n = loyalty_program_reward_count($self);
		LOYALTY_SWIG_PROGRAM_END
		return n;
	}
	/* LOYALTY_ERANGE when i is out of range */
	loyalty_swig_reward reward_at(size_t i) const { return loyalty_swig_reward_at($self, i); }
	void set_reward_stock(const char *reward, int64_t stock) {
		LOYALTY_SWIG_ON($self, loyalty_program_set_reward_stock($self, reward, stock));
	}
	void add_action(const char *name, int64_t points, int cap_count, int cap_period) {
		LOYALTY_SWIG_ON($self, loyalty_program_add_action($self, name, points, cap_count, (loyalty_period)cap_period));
	}
	void add_partner(const char *name, loyalty_fraction rate) {
		LOYALTY_SWIG_ON($self, loyalty_program_add_partner($self, name, rate));
	}

	/* customers */
	loyalty_customer *enroll(const char *key, const loyalty_customer *profile, const char *referral_code,
	                         int64_t at) {
		return loyalty_swig_enroll($self, key, profile, referral_code, at);
	}
	loyalty_customer *get_customer(const loyalty_id *id) const {
		loyalty_customer *c = NULL;
		int rc = LOYALTY_ESTATE;
		LOYALTY_SWIG_PROGRAM_BEGIN($self)
		rc = loyalty_program_get_customer($self, id, &c);
		LOYALTY_SWIG_PROGRAM_END
		return loyalty_swig_new(c, rc);
	}
	loyalty_customer *find_customer(const char *external_ref) const {
		loyalty_customer *c = NULL;
		int rc = LOYALTY_ESTATE;
		LOYALTY_SWIG_PROGRAM_BEGIN($self)
		rc = loyalty_program_find_customer($self, external_ref, &c);
		LOYALTY_SWIG_PROGRAM_END
		return loyalty_swig_new(c, rc);
	}
	size_t customer_count() const {
		size_t n = 0;
		LOYALTY_SWIG_PROGRAM_BEGIN($self)
		n = loyalty_program_customer_count($self);
		LOYALTY_SWIG_PROGRAM_END
		return n;
	}
	int64_t debt(const loyalty_id *id) const {
		loyalty_points debt = 0;
		LOYALTY_SWIG_ON($self, loyalty_program_debt($self, id, &debt));
		return debt;
	}
	const char *referral_code(const loyalty_id *id) const { return loyalty_swig_referral_code($self, id); }

	/* earning */
	loyalty_receipt *record_purchase(const loyalty_purchase *purchase) {
		return loyalty_swig_record_purchase($self, purchase);
	}
	loyalty_refund_result refund(const char *key, const char *purchase_key, int64_t amount, int64_t at) {
		loyalty_refund_result r;
		memset(&r, 0, sizeof r);
		LOYALTY_SWIG_ON($self, loyalty_program_refund($self, key, purchase_key, amount, at, &r));
		return r;
	}
	loyalty_entry record_action(const char *key, const loyalty_id *customer, const char *action, int64_t at) {
		loyalty_entry e;
		memset(&e, 0, sizeof e);
		LOYALTY_SWIG_ON($self, loyalty_program_record_action($self, key, customer, action, at, &e));
		return e;
	}
	loyalty_entry credit_partner(const char *key, const loyalty_id *customer, const char *partner, int64_t units,
	                             int64_t at) {
		loyalty_entry e;
		memset(&e, 0, sizeof e);
		LOYALTY_SWIG_ON($self, loyalty_program_credit_partner($self, key, customer, partner, units, at, &e));
		return e;
	}
	void set_referrer(const char *key, const loyalty_id *customer, const char *referral_code, int64_t at) {
		LOYALTY_SWIG_ON($self, loyalty_program_set_referrer($self, key, customer, referral_code, at));
	}

	/* spending */
	loyalty_redemption redeem(const char *key, const loyalty_id *customer, const char *reward, int64_t at) {
		loyalty_redemption r;
		memset(&r, 0, sizeof r);
		LOYALTY_SWIG_ON($self, loyalty_program_redeem($self, key, customer, reward, at, &r));
		return r;
	}
	loyalty_redemption cancel_redemption(const char *key, const loyalty_id *redemption, int64_t at) {
		loyalty_redemption r;
		memset(&r, 0, sizeof r);
		LOYALTY_SWIG_ON($self, loyalty_program_cancel_redemption($self, key, redemption, at, &r));
		return r;
	}
	loyalty_redemption get_redemption(const loyalty_id *redemption) const {
		loyalty_redemption r;
		memset(&r, 0, sizeof r);
		LOYALTY_SWIG_ON($self, loyalty_program_get_redemption($self, redemption, &r));
		return r;
	}
	loyalty_entry donate(const char *key, const loyalty_id *customer, const char *cause, int64_t points,
	                     int64_t at) {
		loyalty_entry e;
		memset(&e, 0, sizeof e);
		LOYALTY_SWIG_ON($self, loyalty_program_donate($self, key, customer, cause, points, at, &e));
		return e;
	}
	void transfer(const char *key, const loyalty_id *from_id, const loyalty_id *to_id, int64_t points, int64_t at) {
		LOYALTY_SWIG_ON($self, loyalty_program_transfer($self, key, from_id, to_id, points, at));
	}
	loyalty_entry adjust(const char *key, const loyalty_id *customer, int64_t points, const char *reason,
	                     int64_t at) {
		loyalty_entry e;
		memset(&e, 0, sizeof e);
		LOYALTY_SWIG_ON($self, loyalty_program_adjust($self, key, customer, points, reason, at, &e));
		return e;
	}

	/* tiers and maintenance */
	void assign_tier(const char *key, const loyalty_id *customer, const char *tier, int64_t until, int64_t at) {
		LOYALTY_SWIG_ON($self, loyalty_program_assign_tier($self, key, customer, tier, until, at));
	}
	loyalty_maintenance_report maintain(int64_t now) {
		loyalty_maintenance_report r;
		memset(&r, 0, sizeof r);
		LOYALTY_SWIG_ON($self, loyalty_program_maintain($self, now, &r));
		return r;
	}

	/* queries */
	loyalty_progress progress(const loyalty_id *customer, int64_t now) const {
		loyalty_progress r;
		memset(&r, 0, sizeof r);
		LOYALTY_SWIG_ON($self, loyalty_program_progress($self, customer, now, &r));
		return r;
	}
	int64_t points_missing(const loyalty_id *customer, const char *reward) const {
		loyalty_points missing = 0;
		LOYALTY_SWIG_ON($self, loyalty_program_points_missing($self, customer, reward, &missing));
		return missing;
	}

	/* the ledger: the whole of it (entry i has seq i + 1), or a customer's */
	size_t entry_count() const {
		size_t n = 0;
		LOYALTY_SWIG_PROGRAM_BEGIN($self)
		n = loyalty_program_entry_count($self);
		LOYALTY_SWIG_PROGRAM_END
		return n;
	}
	loyalty_entry entry_at(size_t i) const {
		loyalty_entry e;
		memset(&e, 0, sizeof e);
		LOYALTY_SWIG_ON($self, loyalty_program_entry_at($self, i, &e));
		return e;
	}
	size_t customer_entry_count(const loyalty_id *customer) const {
		size_t n = 0;
		LOYALTY_SWIG_ON($self, loyalty_program_customer_entry_count($self, customer, &n));
		return n;
	}
	loyalty_entry customer_entry_at(const loyalty_id *customer, size_t i) const {
		loyalty_entry e;
		memset(&e, 0, sizeof e);
		LOYALTY_SWIG_ON($self, loyalty_program_customer_entry_at($self, customer, i, &e));
		return e;
	}
}
%loyalty_fallible_end

#if defined(SWIGPYTHON)
%{
/* ---- Program.record: one purchase from plain values, credited points back ------------ */

/* Record the purchase @p key of @p customer at @p at with @p lines, a sequence
 * of (product_type, quantity, unit_price) tuples (the SKU is the product
 * type), in the calculator's currency: the purchase is built here, in one
 * crossing, and recorded by loyalty_program_record_batch with n = 1 and no
 * receipt (the fast path). Returns the points credited (0 on failure, with
 * the status set for the wrapper to raise, the purchase's own message kept). */
static int64_t loyalty_py_record(loyalty_program *p, const char *key, const loyalty_id *customer, int64_t at,
                                 PyObject *lines)
{
	loyalty_calculator_options o;
	loyalty_record_result res;
	loyalty_purchase *pu = NULL;
	const loyalty_purchase *one[1];
	PyObject *seq;
	Py_ssize_t n;
	int rc;

	memset(&res, 0, sizeof res);
	if (loyalty_calculator_options_get(loyalty_program_calculator(p), &o) != LOYALTY_OK) {
		loyalty_swig_status(LOYALTY_EINVAL);
		return 0;
	}
	seq = PySequence_Fast(lines, "record: lines must be a sequence of (product_type, quantity, unit_price) tuples");
	if (seq == NULL)
		return 0;
	rc = loyalty_purchase_new(&pu, key, customer, at, o.currency);
	n = PySequence_Fast_GET_SIZE(seq);
	for (Py_ssize_t i = 0; rc == LOYALTY_OK && i < n; i++) {
		PyObject *line = PySequence_Fast_GET_ITEM(seq, i), *t, *q, *u;
		const char *type;
		Py_ssize_t len = 0;
		long long qty, price;
		if (!PyTuple_Check(line) || PyTuple_GET_SIZE(line) != 3) {
			PyErr_Format(PyExc_TypeError, "record: lines[%zd] must be a (product_type, quantity, unit_price) tuple, "
			             "not %.100s", i, Py_TYPE(line)->tp_name);
			goto fail;
		}
		t = PyTuple_GET_ITEM(line, 0);
		q = PyTuple_GET_ITEM(line, 1);
		u = PyTuple_GET_ITEM(line, 2);
		if (!PyUnicode_Check(t) || !PyLong_Check(q) || !PyLong_Check(u) || PyBool_Check(q) || PyBool_Check(u)) {
			PyErr_Format(PyExc_TypeError, "record: lines[%zd] must hold a str and two ints", i);
			goto fail;
		}
		type = PyUnicode_AsUTF8AndSize(t, &len);
		if (type == NULL)
			goto fail;
		if (strlen(type) != (size_t)len) {
			PyErr_Format(PyExc_ValueError, "record: lines[%zd]: the product type contains a NUL character", i);
			goto fail;
		}
		qty = PyLong_AsLongLong(q);
		price = PyLong_AsLongLong(u);
		if ((qty == -1 || price == -1) && PyErr_Occurred()) {
			PyErr_Clear();
			rc = loyalty_error_set(LOYALTY_ERANGE, "record: a quantity or unit price does not fit int64");
			break;
		}
		rc = loyalty_purchase_add_item(pu, type, type, qty, price);
	}
	Py_DECREF(seq);
	seq = NULL;
	if (rc == LOYALTY_OK) {
		one[0] = pu;
		LOYALTY_SWIG_PROGRAM_BEGIN(p)
		rc = loyalty_program_record_batch(p, one, 1, &res, NULL);
		if (rc != LOYALTY_OK)
			loyalty_error_set(res.status, res.message[0] != '\0' ? res.message : loyalty_strerror(res.status));
		LOYALTY_SWIG_PROGRAM_END
		if (loyalty_swig_rc < 0) { /* re-entered from a custom strategy: nothing ran */
			loyalty_purchase_free(pu);
			return 0;
		}
		rc = res.status;
	}
	loyalty_purchase_free(pu);
	loyalty_swig_status(rc);
	return rc == LOYALTY_OK ? res.credited : 0;
fail:
	Py_XDECREF(seq);
	loyalty_purchase_free(pu);
	return 0;
}
%}

%loyalty_fallible_begin
%extend loyalty_swig_Program {
	/* Record one purchase given as plain values; the points credited (loyalty_py_record). */
	PyObject *record(const char *key, const loyalty_id *customer, int64_t at, PyObject *lines) {
		int64_t credited = loyalty_py_record($self, key, customer, at, lines);
		if (PyErr_Occurred() || loyalty_swig_rc < 0)
			return NULL; /* raised by the wrapper (the status) or already */
		return PyLong_FromLongLong(credited);
	}
}
%loyalty_fallible_end
#endif
