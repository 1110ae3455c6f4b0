/*
 * The simulator's Kerberos acceptor: the server half of GSSAPI (MIT krb5) that the
 * `kerberos` npm package does not expose. Its KerberosServer can accept a context
 * but has no wrap/unwrap, and the SASL GSSAPI mechanism (RFC 4752) ends with a
 * wrapped security-layer exchange that needs both. This addon is the smallest real
 * acceptor: credentials from a keytab, gss_accept_sec_context, gss_wrap and
 * gss_unwrap on the accepted context. It never prints or returns key material.
 *
 * Built on demand by src/testing/server/gss-acceptor.ts (cc + libkrb5-dev), loaded
 * only by simulated coordinators that are given a keytab.
 *
 * JavaScript surface (all synchronous; each call is local CPU work, no network):
 *   acquire(keytab: string, principal: string | null) -> Credential
 *   newContext() -> Context
 *   accept(ctx, cred, token: Buffer) -> { token: Buffer | null, complete: boolean, client?: string }
 *   wrap(ctx, message: Buffer) -> Buffer            (integrity only, never confidentiality)
 *   unwrap(ctx, token: Buffer) -> Buffer
 *   dispose(ctx)
 * Failures throw an Error whose message is GSSAPI's own text (it names principals,
 * never keys or tickets).
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  gss_cred_id_t cred;
} credential_box;

typedef struct {
  gss_ctx_id_t ctx;
} context_box;

#define CHECK(call)                                                   \
  do {                                                                \
    if ((call) != napi_ok) {                                          \
      napi_throw_error(env, NULL, "gss-acceptor: N-API call failed"); \
      return NULL;                                                    \
    }                                                                 \
  } while (0)

/* Appends GSSAPI's text for one status code to `out`. */
static void append_status(char *out, size_t size, OM_uint32 code, int type, gss_OID mech) {
  OM_uint32 minor, more = 0;
  do {
    gss_buffer_desc text = GSS_C_EMPTY_BUFFER;
    if (GSS_ERROR(gss_display_status(&minor, code, type, mech, &more, &text))) break;
    size_t used = strlen(out);
    if (used + 3 < size) {
      snprintf(out + used, size - used, "%s%.*s", used > 0 ? ": " : "", (int)text.length, (const char *)text.value);
    }
    gss_release_buffer(&minor, &text);
  } while (more != 0);
}

static napi_value throw_gss(napi_env env, const char *what, OM_uint32 major, OM_uint32 minor) {
  char message[1024];
  snprintf(message, sizeof message, "%s", what);
  append_status(message, sizeof message, major, GSS_C_GSS_CODE, GSS_C_NO_OID);
  if (minor != 0) append_status(message, sizeof message, minor, GSS_C_MECH_CODE, (gss_OID)gss_mech_krb5);
  napi_throw_error(env, "GSS_FAILURE", message);
  return NULL;
}

static void free_credential(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  credential_box *box = data;
  OM_uint32 minor;
  if (box->cred != GSS_C_NO_CREDENTIAL) gss_release_cred(&minor, &box->cred);
  free(box);
}

static void delete_context(context_box *box) {
  OM_uint32 minor;
  if (box->ctx != GSS_C_NO_CONTEXT) gss_delete_sec_context(&minor, &box->ctx, GSS_C_NO_BUFFER);
  box->ctx = GSS_C_NO_CONTEXT;
}

static void free_context(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  delete_context(data);
  free(data);
}

/* Reads a JS string argument into a new NUL-terminated buffer (caller frees). */
static char *string_arg(napi_env env, napi_value value) {
  size_t length;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) return NULL;
  char *out = malloc(length + 1);
  if (out == NULL) return NULL;
  if (napi_get_value_string_utf8(env, value, out, length + 1, &length) != napi_ok) {
    free(out);
    return NULL;
  }
  return out;
}

static void *external_arg(napi_env env, napi_value value) {
  void *data = NULL;
  if (napi_get_value_external(env, value, &data) != napi_ok) return NULL;
  return data;
}

static napi_value acquire(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1) {
    napi_throw_type_error(env, NULL, "acquire(keytab, principal) needs a keytab path");
    return NULL;
  }
  char *keytab = string_arg(env, argv[0]);
  if (keytab == NULL) {
    napi_throw_type_error(env, NULL, "acquire: keytab must be a string");
    return NULL;
  }
  napi_valuetype principal_type = napi_undefined;
  if (argc > 1) napi_typeof(env, argv[1], &principal_type);
  OM_uint32 major, minor;
  gss_name_t name = GSS_C_NO_NAME;
  if (principal_type == napi_string) {
    char *principal = string_arg(env, argv[1]);
    gss_buffer_desc text = {principal == NULL ? 0 : strlen(principal), principal};
    major = gss_import_name(&minor, &text, (gss_OID)GSS_KRB5_NT_PRINCIPAL_NAME, &name);
    free(principal);
    if (GSS_ERROR(major)) {
      free(keytab);
      return throw_gss(env, "cannot parse the acceptor principal", major, minor);
    }
  }
  gss_key_value_element_desc element = {"keytab", keytab};
  gss_key_value_set_desc store = {1, &element};
  credential_box *box = calloc(1, sizeof *box);
  major = gss_acquire_cred_from(&minor, name, GSS_C_INDEFINITE, GSS_C_NO_OID_SET, GSS_C_ACCEPT, &store, &box->cred, NULL, NULL);
  free(keytab);
  if (name != GSS_C_NO_NAME) gss_release_name(&minor, &name);
  if (GSS_ERROR(major)) {
    free(box);
    return throw_gss(env, "cannot acquire acceptor credentials from the keytab", major, minor);
  }
  napi_value result;
  CHECK(napi_create_external(env, box, free_credential, NULL, &result));
  return result;
}

static napi_value new_context(napi_env env, napi_callback_info info) {
  (void)info;
  context_box *box = calloc(1, sizeof *box);
  box->ctx = GSS_C_NO_CONTEXT;
  napi_value result;
  CHECK(napi_create_external(env, box, free_context, NULL, &result));
  return result;
}

static napi_value buffer_or_null(napi_env env, gss_buffer_t buffer) {
  napi_value value;
  if (buffer->length == 0) {
    napi_get_null(env, &value);
    return value;
  }
  void *copy;
  if (napi_create_buffer_copy(env, buffer->length, buffer->value, &copy, &value) != napi_ok) return NULL;
  return value;
}

/* Reads (ctx, [cred], buffer) arguments. */
static int buffer_arg(napi_env env, napi_value value, gss_buffer_desc *out) {
  bool is_buffer = false;
  if (napi_is_buffer(env, value, &is_buffer) != napi_ok || !is_buffer) return 0;
  void *data;
  size_t length;
  if (napi_get_buffer_info(env, value, &data, &length) != napi_ok) return 0;
  out->value = data;
  out->length = length;
  return 1;
}

static napi_value accept(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  context_box *ctx = argc > 0 ? external_arg(env, argv[0]) : NULL;
  credential_box *cred = argc > 1 ? external_arg(env, argv[1]) : NULL;
  gss_buffer_desc input = GSS_C_EMPTY_BUFFER;
  if (ctx == NULL || cred == NULL || argc < 3 || !buffer_arg(env, argv[2], &input)) {
    napi_throw_type_error(env, NULL, "accept(context, credential, token: Buffer)");
    return NULL;
  }
  OM_uint32 major, minor;
  gss_buffer_desc output = GSS_C_EMPTY_BUFFER;
  gss_name_t client = GSS_C_NO_NAME;
  major = gss_accept_sec_context(&minor, &ctx->ctx, cred->cred, &input, GSS_C_NO_CHANNEL_BINDINGS, &client, NULL, &output, NULL, NULL, NULL);
  if (GSS_ERROR(major)) {
    OM_uint32 ignored;
    gss_release_buffer(&ignored, &output);
    if (client != GSS_C_NO_NAME) gss_release_name(&ignored, &client);
    delete_context(ctx);
    return throw_gss(env, "cannot accept the client's security context", major, minor);
  }
  napi_value result, token, complete;
  CHECK(napi_create_object(env, &result));
  token = buffer_or_null(env, &output);
  gss_release_buffer(&minor, &output);
  if (token == NULL) return NULL;
  CHECK(napi_set_named_property(env, result, "token", token));
  CHECK(napi_get_boolean(env, major == GSS_S_COMPLETE, &complete));
  CHECK(napi_set_named_property(env, result, "complete", complete));
  if (major == GSS_S_COMPLETE && client != GSS_C_NO_NAME) {
    gss_buffer_desc text = GSS_C_EMPTY_BUFFER;
    if (!GSS_ERROR(gss_display_name(&minor, client, &text, NULL))) {
      napi_value name;
      if (napi_create_string_utf8(env, text.value, text.length, &name) == napi_ok) napi_set_named_property(env, result, "client", name);
      gss_release_buffer(&minor, &text);
    }
  }
  if (client != GSS_C_NO_NAME) gss_release_name(&minor, &client);
  return result;
}

static napi_value wrap_or_unwrap(napi_env env, napi_callback_info info, int wrap) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  context_box *ctx = argc > 0 ? external_arg(env, argv[0]) : NULL;
  gss_buffer_desc input = GSS_C_EMPTY_BUFFER;
  if (ctx == NULL || ctx->ctx == GSS_C_NO_CONTEXT || argc < 2 || !buffer_arg(env, argv[1], &input)) {
    napi_throw_type_error(env, NULL, wrap ? "wrap(context, message: Buffer) needs an established context" : "unwrap(context, token: Buffer) needs an established context");
    return NULL;
  }
  OM_uint32 major, minor;
  gss_buffer_desc output = GSS_C_EMPTY_BUFFER;
  if (wrap) {
    major = gss_wrap(&minor, ctx->ctx, 0, GSS_C_QOP_DEFAULT, &input, NULL, &output);
  } else {
    major = gss_unwrap(&minor, ctx->ctx, &input, &output, NULL, NULL);
  }
  if (GSS_ERROR(major)) return throw_gss(env, wrap ? "gss_wrap failed" : "gss_unwrap failed", major, minor);
  napi_value value;
  void *copy;
  napi_status status = napi_create_buffer_copy(env, output.length, output.length > 0 ? output.value : "", &copy, &value);
  gss_release_buffer(&minor, &output);
  CHECK(status);
  return value;
}

static napi_value wrap(napi_env env, napi_callback_info info) {
  return wrap_or_unwrap(env, info, 1);
}

static napi_value unwrap(napi_env env, napi_callback_info info) {
  return wrap_or_unwrap(env, info, 0);
}

static napi_value dispose(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  context_box *ctx = argc > 0 ? external_arg(env, argv[0]) : NULL;
  if (ctx != NULL) delete_context(ctx);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"acquire", NULL, acquire, NULL, NULL, NULL, napi_enumerable, NULL},
      {"newContext", NULL, new_context, NULL, NULL, NULL, napi_enumerable, NULL},
      {"accept", NULL, accept, NULL, NULL, NULL, napi_enumerable, NULL},
      {"wrap", NULL, wrap, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unwrap", NULL, unwrap, NULL, NULL, NULL, napi_enumerable, NULL},
      {"dispose", NULL, dispose, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

#ifndef NODE_GYP_MODULE_NAME
#define NODE_GYP_MODULE_NAME gss_acceptor
#endif
NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
