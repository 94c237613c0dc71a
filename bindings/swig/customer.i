/*
 * The customer (loyalty/customer.h).
 *
 * SPDX-License-Identifier: MIT
 */

%loyalty_handle(Customer, loyalty_customer, loyalty_customer_free)

/* ---- can fail ---------------------------------------------------------------- */

%loyalty_fallible_begin
%newobject loyalty_swig_Customer::clone;
%extend loyalty_swig_Customer {
	/* id NULL: a fresh random id */
	loyalty_swig_Customer(const loyalty_id *id) {
		loyalty_customer *c = NULL;
		int rc = loyalty_customer_new(&c, id);
		return loyalty_swig_new(c, rc);
	}
	loyalty_customer *clone() const {
		loyalty_customer *c = NULL;
		int rc = loyalty_customer_clone(&c, $self);
		return loyalty_swig_new(c, rc);
	}
	void set_external_ref(const char *ref) {
		LOYALTY_SWIG_MUTATE($self, loyalty_customer_set_external_ref($self, ref));
	}
	void set_name(const char *name) {
		LOYALTY_SWIG_MUTATE($self, loyalty_customer_set_name($self, name));
	}
	void set_email(const char *email) {
		LOYALTY_SWIG_MUTATE($self, loyalty_customer_set_email($self, email));
	}
	void set_birthday(int month, int day) {
		LOYALTY_SWIG_MUTATE($self, loyalty_customer_set_birthday($self, month, day));
	}
	void set_joined_at(int64_t at) {
		LOYALTY_SWIG_MUTATE($self, loyalty_customer_set_joined_at($self, at));
	}
	void set_tier(const char *tier) {
		LOYALTY_SWIG_MUTATE($self, loyalty_customer_set_tier($self, tier));
	}
	void add_tag(const char *tag) {
		LOYALTY_SWIG_MUTATE($self, loyalty_customer_add_tag($self, tag));
	}
	void remove_tag(const char *tag) {
		LOYALTY_SWIG_MUTATE($self, loyalty_customer_remove_tag($self, tag));
	}
}
%loyalty_fallible_end

/* ---- cannot fail ------------------------------------------------------------- */

%extend loyalty_swig_Customer {
	const loyalty_id *id() const { return loyalty_customer_id($self); }
	const char *external_ref() const { return loyalty_customer_external_ref($self); }
	const char *name() const { return loyalty_customer_name($self); }
	const char *email() const { return loyalty_customer_email($self); }
	int birthday_month() const {
		int m = 0, d = 0;
		loyalty_customer_birthday($self, &m, &d);
		return m;
	}
	int birthday_day() const {
		int m = 0, d = 0;
		loyalty_customer_birthday($self, &m, &d);
		return d;
	}
	int64_t joined_at() const { return loyalty_customer_joined_at($self); }
	const char *tier() const { return loyalty_customer_tier($self); }
	size_t tag_count() const { return loyalty_customer_tag_count($self); }
	const char *tag(size_t i) const { return loyalty_customer_tag($self, i); }
	int has_tag(const char *tag) const { return loyalty_customer_has_tag($self, tag); }
	int64_t available() const { return loyalty_customer_available($self); }
	int64_t pending() const { return loyalty_customer_pending($self); }
	int64_t lifetime_earned() const { return loyalty_customer_lifetime_earned($self); }
	int64_t lifetime_redeemed() const { return loyalty_customer_lifetime_redeemed($self); }
	int64_t lifetime_expired() const { return loyalty_customer_lifetime_expired($self); }
}
