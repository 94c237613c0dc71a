/*
 * Java only: custom strategies implemented in Java, through a JNI trampoline.
 *
 * The calculator keeps, per custom strategy, the JavaVM (never a JNIEnv: it
 * is per thread), a global reference to an org.libloyalty.swig.NativeStrategy
 * and its invoke method. The trampoline gets the calling thread's JNIEnv with
 * GetEnv, attaching the thread when C calls from one the JVM has never seen
 * (and detaching it afterwards), and calls invoke(input, out) in a local
 * frame of its own. invoke (the public layer's adapter) catches whatever the
 * user's strategy throws, keeps it to rethrow once the computation fails,
 * and returns the message for C (LOYALTY_EUSER); on success it has written
 * the fraction through LoyaltyJNI.setFraction. The strategy's destroy (when
 * the calculator is freed, or at once if registration fails) calls release()
 * and deletes the global reference.
 *
 * SPDX-License-Identifier: MIT
 */

%{
typedef struct loyalty_java_strategy {
	JavaVM *vm;
	jobject target;    /* global reference to the NativeStrategy */
	jmethodID invoke;  /* byte[] invoke(long input, long out) */
	jmethodID release; /* void release() */
} loyalty_java_strategy;

/* The calling thread's JNIEnv; *attached is set when this call attached it. */
static int loyalty_java_env(JavaVM *vm, JNIEnv **env, int *attached)
{
	jint r = (*vm)->GetEnv(vm, (void **)env, JNI_VERSION_1_8);

	*attached = 0;
	if (r == JNI_EDETACHED) {
		if ((*vm)->AttachCurrentThread(vm, (void **)env, NULL) != JNI_OK)
			return -1;
		*attached = 1;
		return 0;
	}
	return r == JNI_OK ? 0 : -1;
}

/* loyalty_strategy_fn */
static int loyalty_java_strategy_call(const loyalty_strategy_input *in, loyalty_fraction *out, void *user_data)
{
	loyalty_java_strategy *s = user_data;
	JNIEnv *env = NULL;
	jbyteArray message;
	int attached = 0, rc = LOYALTY_OK;

	if (loyalty_java_env(s->vm, &env, &attached) != 0)
		return loyalty_error_set(LOYALTY_EUSER, "cannot attach this thread to the Java VM");
	if ((*env)->PushLocalFrame(env, 8) != 0) {
		(*env)->ExceptionClear(env);
		rc = loyalty_error_set(LOYALTY_EUSER, "out of Java local references");
		goto done;
	}
	message = (jbyteArray)(*env)->CallObjectMethod(env, s->target, s->invoke, (jlong)(intptr_t)in,
	                                               (jlong)(intptr_t)out);
	if ((*env)->ExceptionCheck(env)) {
		/* the adapter catches what strategies throw: this escaped the adapter
		 * itself (a StackOverflowError, say); C must not go on with it pending */
		(*env)->ExceptionClear(env);
		rc = loyalty_error_set(LOYALTY_EUSER, "the Java strategy adapter failed");
	} else if (message != NULL) {
		char text[512];
		jsize n = (*env)->GetArrayLength(env, message);

		if (n > (jsize)sizeof text - 1)
			n = (jsize)sizeof text - 1;
		(*env)->GetByteArrayRegion(env, message, 0, n, (jbyte *)text);
		text[n] = '\0';
		rc = loyalty_error_set(LOYALTY_EUSER, text);
	}
	(*env)->PopLocalFrame(env, NULL);
done:
	if (attached)
		(*s->vm)->DetachCurrentThread(s->vm);
	return rc;
}

/* loyalty_destroy_fn: the calculator is done with the strategy (exactly once). */
static void loyalty_java_strategy_release(void *user_data)
{
	loyalty_java_strategy *s = user_data;
	JNIEnv *env = NULL;
	int attached = 0;

	if (s->target != NULL && loyalty_java_env(s->vm, &env, &attached) == 0) {
		/* tell the strategy (RewardStrategy.destroy), unless an exception is
		 * pending on this thread: no Java call may be made then */
		if (!(*env)->ExceptionCheck(env)) {
			(*env)->CallVoidMethod(env, s->target, s->release);
			if ((*env)->ExceptionCheck(env))
				(*env)->ExceptionClear(env); /* the adapter catches; nothing to report to */
		}
		(*env)->DeleteGlobalRef(env, s->target);
		if (attached)
			(*s->vm)->DetachCurrentThread(s->vm);
	}
	free(s);
}

static int loyalty_java_add_custom(JNIEnv *env, loyalty_calculator *c, const char *name, int role, jobject target)
{
	loyalty_java_strategy *s;
	jclass cls;

	if (target == NULL)
		return loyalty_error_set(LOYALTY_EINVAL, "loyalty_calculator_add_custom: the strategy is null");
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return loyalty_error_set(LOYALTY_ENOMEM, "loyalty_calculator_add_custom: out of memory");
	if ((*env)->GetJavaVM(env, &s->vm) != JNI_OK) {
		free(s);
		return loyalty_error_set(LOYALTY_EUSER, "loyalty_calculator_add_custom: no Java VM");
	}
	cls = (*env)->GetObjectClass(env, target);
	s->invoke = (*env)->GetMethodID(env, cls, "invoke", "(JJ)[B");
	if (s->invoke != NULL)
		s->release = (*env)->GetMethodID(env, cls, "release", "()V");
	(*env)->DeleteLocalRef(env, cls);
	if (s->invoke == NULL || s->release == NULL) { /* NoSuchMethodError pending */
		free(s);
		return LOYALTY_EINVAL;
	}
	s->target = (*env)->NewGlobalRef(env, target);
	if (s->target == NULL) {
		free(s);
		return loyalty_error_set(LOYALTY_ENOMEM, "loyalty_calculator_add_custom: out of global references");
	}
	/* from here on the calculator owns s: it releases it even if this fails */
	return loyalty_calculator_add_custom(c, name, (loyalty_strategy_role)role, loyalty_java_strategy_call, s,
	                                     loyalty_java_strategy_release);
}

/* LoyaltyJNI.setFraction: a strategy's result, written by the adapter. */
SWIGEXPORT void JNICALL Java_org_libloyalty_swig_LoyaltyJNI_setFraction(JNIEnv *env, jclass cls, jlong out,
                                                                        jlong num, jlong den)
{
	loyalty_fraction *f = (loyalty_fraction *)(intptr_t)out;

	(void)env;
	(void)cls;
	f->num = (int64_t)num;
	f->den = (int64_t)den;
}
%}

%pragma(java) jniclasscode = %{
  static {
    NativeLibrary.load();
  }

  /** Writes a custom strategy's result into the loyalty_fraction at {@code out}. */
  public static final native void setFraction(long out, long num, long den);
%}

/* The JNIEnv of the call, hidden from Java. */
%typemap(in, numinputs=0) JNIEnv *env "$1 = jenv;"

/* The strategy object, typed for Java. */
%typemap(jni) jobject strategy "jobject"
%typemap(jtype) jobject strategy "org.libloyalty.swig.NativeStrategy"
%typemap(jstype) jobject strategy "org.libloyalty.swig.NativeStrategy"
%typemap(javain) jobject strategy "$javainput"
%typemap(in) jobject strategy "$1 = $input;"

%loyalty_fallible_begin
%extend loyalty_swig_Calculator {
	/*
	 * Append a custom strategy: strategy.invoke(input, out) is called with the
	 * addresses of a loyalty_strategy_input and of the loyalty_fraction to
	 * fill. The calculator keeps a global reference to strategy until it is
	 * freed (or drops it at once if registration fails).
	 */
	void add_custom(JNIEnv *env, const char *name, int role, jobject strategy) {
		loyalty_swig_status(loyalty_java_add_custom(env, $self, name, role, strategy));
	}
}
%loyalty_fallible_end

/* Batches as columns: hand-written JNI entry points over direct buffers. */
%include "java/columns.i"
