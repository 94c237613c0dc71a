/*
 * The calculator (loyalty/calculator.h) and what a custom strategy sees
 * (loyalty_strategy_input). Registering a custom strategy needs a callable
 * of the host language, so each language adds its own add_custom.
 *
 * SPDX-License-Identifier: MIT
 */

%{
static loyalty_calculator_options loyalty_swig_calculator_options(const loyalty_calculator *c)
{
	loyalty_calculator_options o = LOYALTY_CALCULATOR_OPTIONS_INIT;

	loyalty_calculator_options_get(c, &o);
	return o;
}

/* Compute one receipt; the handles are marked busy while C reads them, and
 * the host's other threads may run meanwhile. */
static loyalty_receipt *loyalty_swig_compute(const loyalty_calculator *c, const loyalty_customer *customer,
                                             const loyalty_purchase *purchase, int first_purchase)
{
	loyalty_calc_context ctx = LOYALTY_CALC_CONTEXT_INIT;
	const void *handles[3];
	loyalty_receipt *r = NULL;
	int rc;

	handles[0] = c;
	handles[1] = customer;
	handles[2] = purchase;
	ctx.first_purchase = first_purchase != 0;
	LOYALTY_SWIG_BUSY_BEGIN(handles, 3)
	LOYALTY_SWIG_UNBLOCK_BEGIN(c)
	rc = loyalty_calculator_compute(c, customer, purchase, &ctx, &r);
	LOYALTY_SWIG_UNBLOCK_END
	LOYALTY_SWIG_BUSY_END
	return loyalty_swig_new(r, rc);
}
%}

%loyalty_handle(Calculator, loyalty_calculator, loyalty_calculator_free)

/* ---- can fail ---------------------------------------------------------------- */

%loyalty_fallible_begin
%newobject loyalty_swig_Calculator::compute;
%extend loyalty_swig_Calculator {
	loyalty_swig_Calculator(const char *currency, int rounding, int utc_offset_minutes, int stacking) {
		loyalty_calculator_options o = LOYALTY_CALCULATOR_OPTIONS_INIT;
		loyalty_calculator *c = NULL;
		int rc;

		if (currency == NULL || strlen(currency) >= sizeof o.currency) {
			loyalty_swig_status(loyalty_error_set(LOYALTY_ECURRENCY,
				"loyalty_calculator_new: currency must be an ISO 4217 code"));
			return NULL;
		}
		memcpy(o.currency, currency, strlen(currency) + 1);
		o.rounding = (loyalty_rounding)rounding;
		o.utc_offset_minutes = utc_offset_minutes;
		o.stacking = (loyalty_stacking)stacking;
		rc = loyalty_calculator_new(&c, &o);
		return loyalty_swig_new(c, rc);
	}
	void exclude_product_type(const char *product_type) {
		LOYALTY_SWIG_MUTATE($self, loyalty_calculator_exclude_product_type($self, product_type));
	}
	/* a built-in strategy from parameter text ("points=1 per=100") */
	void add(const char *kind, const char *name, const char *params) {
		LOYALTY_SWIG_MUTATE($self, loyalty_calculator_add($self, kind, name, params));
	}
	/* a built-in strategy from a parameter list (borrowed: the calculator copies it) */
	void add_params(const char *kind, const char *name, const loyalty_params *params) {
		LOYALTY_SWIG_MUTATE($self, loyalty_calculator_add_params($self, kind, name, params));
	}
	/* the i-th strategy's role; LOYALTY_ERANGE when i is out of range */
	int strategy_role(size_t i) const {
		int role = loyalty_calculator_strategy_role($self, i);
		loyalty_swig_status(role < 0 ? role : LOYALTY_OK);
		return role;
	}
	/* the points a purchase earns; first_purchase non-zero for the customer's first */
	loyalty_receipt *compute(const loyalty_customer *customer, const loyalty_purchase *purchase,
	                         int first_purchase) const {
		return loyalty_swig_compute($self, customer, purchase, first_purchase);
	}
}
%loyalty_fallible_end

/* ---- cannot fail ------------------------------------------------------------- */

%extend loyalty_swig_Calculator {
	/* copied out: the options struct is a temporary, its array dies with the expression */
	const char *currency() const {
		static _Thread_local loyalty_calculator_options o;
		o = loyalty_swig_calculator_options($self);
		return o.currency;
	}
	int rounding() const { return (int)loyalty_swig_calculator_options($self).rounding; }
	int utc_offset_minutes() const { return loyalty_swig_calculator_options($self).utc_offset_minutes; }
	int stacking() const { return (int)loyalty_swig_calculator_options($self).stacking; }
	size_t excluded_count() const { return loyalty_calculator_excluded_count($self); }
	const char *excluded(size_t i) const { return loyalty_calculator_excluded($self, i); }
	size_t strategy_count() const { return loyalty_calculator_strategy_count($self); }
	const char *strategy_name(size_t i) const { return loyalty_calculator_strategy_name($self, i); }
	const char *strategy_kind(size_t i) const { return loyalty_calculator_strategy_kind($self, i); }
	/* canonical parameter text; NULL for custom strategies and out-of-range i */
	const char *strategy_params(size_t i) const {
		const loyalty_params *p = loyalty_calculator_strategy_params($self, i);
		return p ? loyalty_params_text(p) : NULL;
	}
}

/* ---- what a custom strategy sees: borrowed for the duration of one call ------ */

%{
#define loyalty_swig_StrategyInput loyalty_strategy_input
%}
%nodefaultdtor loyalty_swig_StrategyInput;
%rename(StrategyInput) loyalty_swig_StrategyInput;
struct loyalty_swig_StrategyInput {};
typedef struct loyalty_swig_StrategyInput loyalty_strategy_input;
%extend loyalty_swig_StrategyInput {
	unsigned int version() const { return $self->version; }
	const loyalty_customer *customer() const { return $self->customer; }
	const loyalty_purchase *purchase() const { return $self->purchase; }
	int first_purchase() const { return $self->first_purchase; }
	int utc_offset_minutes() const { return $self->utc_offset_minutes; }
	int64_t eligible_spend() const { return $self->eligible_spend; }
	loyalty_fraction base_points() const { return $self->base_points; }
	loyalty_fraction points() const { return $self->points; }
}
