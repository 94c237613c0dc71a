/*
 * Java: the hooks bindings/swig/common.i relies on, and typemaps.
 *
 * SWIG generates the low layer, package org.libloyalty.swig: proxies over
 * the C handles and the JNI class. The public API (org.libloyalty, written
 * by hand in src/main/java) wraps it: it owns every proxy, frees it through
 * close() or a java.lang.ref.Cleaner, guards each handle with a read/write
 * lock (so closing while another thread uses a handle cannot free memory
 * under it) and converts values (Instant, UUID, Fraction, enums).
 *
 *  - Errors: %loyalty_fallible_begin's %exception throws the
 *    org.libloyalty.LoyaltyException subclass for the status, built by
 *    LoyaltyException.fromStatus(code, utf8 message), after $action.
 *  - Strings cross JNI as UTF-8 byte arrays, not through NewStringUTF and
 *    GetStringUTFChars (modified UTF-8 mangles characters outside the BMP
 *    and embedded NULs).
 *  - A fraction is a long[2] {num, den}; an id is a java.util.UUID (C's 16
 *    bytes are the UUID's most then least significant longs, big-endian).
 *  - Proxies have no finalizer (the public layer's Cleaner frees them), a
 *    public pointer constructor (the public layer wraps borrowed pointers,
 *    e.g. what a custom strategy sees) and implement AutoCloseable.
 *  - The busy-handle and unblock hooks keep their defaults (no-ops): the
 *    JVM has no GIL, and the public layer's locks play the busy role.
 *
 * SPDX-License-Identifier: MIT
 */

%{
#include <jni.h>
#include <string.h>
#include <loyalty/loyalty.h>

/* Throw the org.libloyalty.LoyaltyException for status @p rc (negative) with
 * the calling thread's C message. Leaves any exception already pending. */
static void loyalty_java_throw(JNIEnv *env, int rc)
{
	const char *message = loyalty_last_error();
	jclass cls;
	jmethodID factory;
	jbyteArray bytes;
	jobject exc;
	jsize n;

	if ((*env)->ExceptionCheck(env))
		return;
	if (message == NULL || message[0] == '\0')
		message = loyalty_strerror(rc);
	cls = (*env)->FindClass(env, "org/libloyalty/LoyaltyException");
	if (cls == NULL)
		return; /* NoClassDefFoundError pending */
	factory = (*env)->GetStaticMethodID(env, cls, "fromStatus", "(I[B)Lorg/libloyalty/LoyaltyException;");
	if (factory == NULL) {
		(*env)->DeleteLocalRef(env, cls);
		return;
	}
	n = (jsize)strlen(message);
	bytes = (*env)->NewByteArray(env, n);
	if (bytes == NULL) {
		(*env)->DeleteLocalRef(env, cls);
		return;
	}
	(*env)->SetByteArrayRegion(env, bytes, 0, n, (const jbyte *)message);
	exc = (*env)->ExceptionCheck(env) ? NULL : (*env)->CallStaticObjectMethod(env, cls, factory, (jint)rc, bytes);
	if (!(*env)->ExceptionCheck(env) && exc != NULL)
		(*env)->Throw(env, (jthrowable)exc);
	(*env)->DeleteLocalRef(env, bytes);
	(*env)->DeleteLocalRef(env, cls);
	if (exc != NULL)
		(*env)->DeleteLocalRef(env, exc);
}

/* A NUL-terminated C string as a new byte[] of its UTF-8 bytes (NULL for NULL). */
static jbyteArray loyalty_java_bytes(JNIEnv *env, const char *s)
{
	jbyteArray bytes;
	jsize n;

	if (s == NULL)
		return NULL;
	n = (jsize)strlen(s);
	bytes = (*env)->NewByteArray(env, n);
	if (bytes != NULL)
		(*env)->SetByteArrayRegion(env, bytes, 0, n, (const jbyte *)s);
	return bytes;
}

/* 16 id bytes <-> two big-endian longs, as java.util.UUID holds them. */
static void loyalty_java_id_from_longs(loyalty_id *id, jlong msb, jlong lsb)
{
	for (int i = 0; i < 8; i++) {
		id->bytes[i] = (uint8_t)((uint64_t)msb >> (56 - 8 * i));
		id->bytes[8 + i] = (uint8_t)((uint64_t)lsb >> (56 - 8 * i));
	}
}

static jlongArray loyalty_java_id_to_longs(JNIEnv *env, const loyalty_id *id)
{
	jlong halves[2] = { 0, 0 };
	jlongArray out;

	if (id == NULL)
		return NULL;
	for (int i = 0; i < 8; i++) {
		halves[0] = (jlong)(((uint64_t)halves[0] << 8) | id->bytes[i]);
		halves[1] = (jlong)(((uint64_t)halves[1] << 8) | id->bytes[8 + i]);
	}
	out = (*env)->NewLongArray(env, 2);
	if (out != NULL)
		(*env)->SetLongArrayRegion(env, out, 0, 2, halves);
	return out;
}
%}

/* ---- hooks for the shared files -------------------------------------------- */

%define %loyalty_fallible_begin
%exception {
	loyalty_swig_rc = 0;
	$action
	if (loyalty_swig_rc < 0) {
		loyalty_java_throw(jenv, loyalty_swig_rc);
		$cleanup
		return $null;
	}
}
%enddef

%define %loyalty_fallible_end
%exception;
%enddef

/* ---- names and classes ------------------------------------------------------- */

/* lowerCamelCase methods (Xapian): set_external_ref -> setExternalRef */
%rename("%(lctitle)s", %$isfunction) "";
/* and fields: pending_days -> setPendingDays/getPendingDays */
%rename("%(lowercamelcase)s", %$isvariable) "";

/* Enums as int constants of the module class: the public layer has Java enums. */
%include "enumsimple.swg"

%pragma(java) jniclassclassmodifiers = "public final class"
%pragma(java) moduleclassmodifiers = "public final class"

/* Public pointer constructor and getCPtr: the public layer lives in another
 * package and wraps borrowed pointers. */
SWIG_JAVABODY_PROXY(public, public, SWIGTYPE)
SWIG_JAVABODY_TYPEWRAPPER(public, public, public, SWIGTYPE)

/* No finalizers (deprecated, and "crushing" for GC): the public layer
 * registers a java.lang.ref.Cleaner for what it owns. */
%typemap(javafinalize) SWIGTYPE ""

/* AutoCloseable proxies; the public layer is what users close. */
%typemap(javainterfaces) SWIGTYPE "java.lang.AutoCloseable"
%typemap(javacode) SWIGTYPE %{
  /** Frees the C object if this proxy owns it (as delete()). */
  @Override
  public void close() {
    delete();
  }
%}

/* ---- typemaps ---------------------------------------------------------------- */

/* Strings: UTF-8 byte arrays across JNI. In: NUL-terminated by Utf8.encode. */
%typemap(jni) const char *, char * "jbyteArray"
%typemap(jtype) const char *, char * "byte[]"
%typemap(jstype) const char *, char * "String"
%typemap(javain) const char *, char * "org.libloyalty.swig.Utf8.encode($javainput)"
%typemap(javaout) const char *, char * {
    return org.libloyalty.swig.Utf8.decode($jnicall);
  }
%typemap(in, noblock=1) const char *, char * {
	$1 = NULL;
	if ($input != NULL) {
		$1 = ($1_ltype)(*jenv)->GetByteArrayElements(jenv, $input, NULL);
		if ($1 == NULL)
			return $null;
	}
}
%typemap(freearg, noblock=1) const char *, char * {
	if ($1 != NULL)
		(*jenv)->ReleaseByteArrayElements(jenv, $input, (jbyte *)$1, JNI_ABORT);
}
%typemap(out, noblock=1) const char *, char * {
	$result = loyalty_java_bytes(jenv, (const char *)$1);
}
%typemap(newfree) char * "free($1);"

/* A fraction is long[2] {num, den}. */
%typemap(jni) loyalty_fraction "jlongArray"
%typemap(jtype) loyalty_fraction "long[]"
%typemap(jstype) loyalty_fraction "long[]"
%typemap(javain) loyalty_fraction "$javainput"
%typemap(javaout) loyalty_fraction {
    return $jnicall;
  }
%typemap(in) loyalty_fraction {
	jlong pair[2];

	if ($input == NULL || (*jenv)->GetArrayLength(jenv, $input) != 2) {
		SWIG_JavaThrowException(jenv, SWIG_JavaIllegalArgumentException, "a fraction is a long[2] {num, den}");
		return $null;
	}
	(*jenv)->GetLongArrayRegion(jenv, $input, 0, 2, pair);
	$1.num = pair[0];
	$1.den = pair[1];
}
%typemap(out) loyalty_fraction {
	jlong pair[2];

	pair[0] = (jlong)$1.num;
	pair[1] = (jlong)$1.den;
	$result = (*jenv)->NewLongArray(jenv, 2);
	if ($result != NULL)
		(*jenv)->SetLongArrayRegion(jenv, $result, 0, 2, pair);
}

/* An id is a java.util.UUID; null passes NULL. */
%typemap(jni) const loyalty_id * "jlongArray"
%typemap(jtype) const loyalty_id * "long[]"
%typemap(jstype) const loyalty_id * "java.util.UUID"
%typemap(javain) const loyalty_id * "org.libloyalty.swig.Ids.toLongs($javainput)"
%typemap(javaout) const loyalty_id * {
    return org.libloyalty.swig.Ids.fromLongs($jnicall);
  }
%typemap(in) const loyalty_id * (loyalty_id tmp) {
	$1 = NULL;
	if ($input != NULL) {
		jlong halves[2];
		if ((*jenv)->GetArrayLength(jenv, $input) != 2) {
			SWIG_JavaThrowException(jenv, SWIG_JavaIllegalArgumentException, "an id is a long[2]");
			return $null;
		}
		(*jenv)->GetLongArrayRegion(jenv, $input, 0, 2, halves);
		loyalty_java_id_from_longs(&tmp, halves[0], halves[1]);
		$1 = &tmp;
	}
}
%typemap(out) const loyalty_id * {
	$result = loyalty_java_id_to_longs(jenv, $1);
}

/* uint64_t (ledger sequence numbers) as long: they never reach 2^63, and a
 * BigInteger per entry would be waste. */
%apply int64_t { uint64_t };

/* A parameter named taken_on_success (swig/common.i) needs nothing here: the
 * public layer stops freeing the handle once the call has succeeded
 * (NativeHandle.handOverTo), and the proxies have no finalizer that could
 * free it behind the new owner's back. */
