/*
 * Strategy parameters (loyalty/params.h): an ordered list of key=value pairs.
 *
 * SPDX-License-Identifier: MIT
 */

%loyalty_handle(Params, loyalty_params, loyalty_params_free)

%loyalty_fallible_begin
%newobject loyalty_swig_Params::clone;
%extend loyalty_swig_Params {
	/* text NULL: an empty list; otherwise parsed ("points=1 per=100") */
	loyalty_swig_Params(const char *text) {
		loyalty_params *p = NULL;
		int rc = text == NULL ? loyalty_params_new(&p) : loyalty_params_parse(&p, text);
		return loyalty_swig_new(p, rc);
	}
	loyalty_params *clone() const {
		loyalty_params *p = NULL;
		int rc = loyalty_params_clone(&p, $self);
		return loyalty_swig_new(p, rc);
	}
	void add(const char *key, const char *value) {
		loyalty_swig_status(loyalty_params_add($self, key, value));
	}
	void add_int(const char *key, int64_t value) {
		loyalty_swig_status(loyalty_params_add_int($self, key, value));
	}
	void add_fraction(const char *key, loyalty_fraction value) {
		loyalty_swig_status(loyalty_params_add_fraction($self, key, value));
	}
}
%loyalty_fallible_end

%extend loyalty_swig_Params {
	size_t count() const { return loyalty_params_count($self); }
	const char *key(size_t i) const { return loyalty_params_key($self, i); }
	const char *value(size_t i) const { return loyalty_params_value($self, i); }
	const char *get(const char *key) const { return loyalty_params_get($self, key); }
	const char *text() const { return loyalty_params_text($self); }
}
