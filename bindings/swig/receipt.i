/*
 * The receipt (loyalty/receipt.h): an immutable value that outlives the
 * calculator, customer and purchase it came from (and the program that
 * recorded it, which fills credited, capped, pending_until and entry_seq). Lines are read field by
 * field (line_strategy(i), ...): the C struct borrows its strings.
 *
 * SPDX-License-Identifier: MIT
 */

%{
static loyalty_receipt_line loyalty_swig_receipt_line(const loyalty_receipt *r, size_t i)
{
	loyalty_receipt_line line = { "", "", LOYALTY_ROLE_BASE, 0, { 0, 1 }, "" };

	loyalty_swig_status(loyalty_receipt_line_at(r, i, &line));
	return line;
}

/* The whole text of loyalty_receipt_format, malloc'ed (NULL on failure). */
static char *loyalty_swig_receipt_format(const loyalty_receipt *r)
{
	int n = loyalty_receipt_format(r, NULL, 0);
	char *text;

	if (n < 0) {
		loyalty_swig_status(n);
		return NULL;
	}
	text = malloc((size_t)n + 1);
	if (text == NULL) {
		loyalty_swig_status(loyalty_error_set(LOYALTY_ENOMEM, "loyalty_receipt_format: out of memory"));
		return NULL;
	}
	n = loyalty_receipt_format(r, text, (size_t)n + 1);
	loyalty_swig_status(n < 0 ? n : LOYALTY_OK);
	if (n < 0) {
		free(text);
		return NULL;
	}
	return text;
}
%}

%loyalty_handle(Receipt, loyalty_receipt, loyalty_receipt_free)

%loyalty_fallible_begin
%newobject loyalty_swig_Receipt::clone;
%newobject loyalty_swig_Receipt::format;
%extend loyalty_swig_Receipt {
	loyalty_receipt *clone() const {
		loyalty_receipt *r = NULL;
		int rc = loyalty_receipt_clone(&r, $self);
		return loyalty_swig_new(r, rc);
	}
	/* the readable multi-line text */
	char *format() const { return loyalty_swig_receipt_format($self); }
	/* the i-th line, field by field; LOYALTY_ERANGE when i is out of range */
	const char *line_strategy(size_t i) const { return loyalty_swig_receipt_line($self, i).strategy; }
	const char *line_kind(size_t i) const { return loyalty_swig_receipt_line($self, i).kind; }
	int line_role(size_t i) const { return (int)loyalty_swig_receipt_line($self, i).role; }
	int line_applied(size_t i) const { return loyalty_swig_receipt_line($self, i).applied; }
	loyalty_fraction line_points(size_t i) const { return loyalty_swig_receipt_line($self, i).points; }
	const char *line_detail(size_t i) const { return loyalty_swig_receipt_line($self, i).detail; }
}
%loyalty_fallible_end

%extend loyalty_swig_Receipt {
	int64_t points() const { return loyalty_receipt_points($self); }
	loyalty_fraction exact_points() const { return loyalty_receipt_exact_points($self); }
	loyalty_fraction base_points() const { return loyalty_receipt_base_points($self); }
	loyalty_fraction rounding_adjustment() const { return loyalty_receipt_rounding_adjustment($self); }
	int rounding() const { return (int)loyalty_receipt_rounding($self); }
	int64_t spend() const { return loyalty_receipt_spend($self); }
	int64_t eligible_spend() const { return loyalty_receipt_eligible_spend($self); }
	const char *purchase_key() const { return loyalty_receipt_purchase_key($self); }
	const char *currency() const { return loyalty_receipt_currency($self); }
	const loyalty_id *customer_id() const { return loyalty_receipt_customer_id($self); }
	size_t line_count() const { return loyalty_receipt_line_count($self); }
	/* filled when a program recorded the purchase (loyalty_program_record_purchase) */
	int recorded() const { return loyalty_receipt_recorded($self); }
	int64_t credited() const { return loyalty_receipt_credited($self); }
	int64_t capped() const { return loyalty_receipt_capped($self); }
	int64_t pending_until() const { return loyalty_receipt_pending_until($self); }
	uint64_t entry_seq() const { return loyalty_receipt_entry_seq($self); }
}
