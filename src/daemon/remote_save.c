/*
 * remote_save.c: save, restore and save image procedures
 *
 * Paths are the daemon's: libvirt's client makes them absolute (except in
 * the typed parameters of SAVE_PARAMS and RESTORE_PARAMS); a relative one
 * is refused by the driver.  The images hold the GUID: read-only
 * connections may not read them with SECURE, nor write or start anything.
 */
#include <gvconfig.h>

#include "gverror.h"
#include "gvrpcprotocol.h"
#include "qemu_managedsave.h"
#include "qemu_save.h"
#include "remote_procs-gen.h"

/* virDomainSaveParams / virDomainRestoreParams: "file" and "dxml", both strings */
static int
gvSaveParams(const GPtrArray *params, const char *api, const char **file, const char **dxml,
             GError **error)
{
    guint i;

    *file = NULL;
    *dxml = NULL;
    for (i = 0; i < params->len; i++) {
        const gvTypedParam *p = g_ptr_array_index(params, i);
        const char **slot = NULL;

        if (g_str_equal(p->field, "file"))
            slot = file;
        else if (g_str_equal(p->field, "dxml"))
            slot = dxml;
        if (!slot) {
            gvReportError(error, GV_ERR_ARGUMENT_UNSUPPORTED, "parameter '%s' not supported",
                          p->field);
            return -1;
        }
        if (p->type != GV_TYPED_PARAM_STRING) {
            gvReportError(error, GV_ERR_INVALID_ARG, "invalid type for parameter '%s' of %s",
                          p->field, api);
            return -1;
        }
        if (*slot) {
            gvReportError(error, GV_ERR_INVALID_ARG, "parameter '%s' occurs multiple times",
                          p->field);
            return -1;
        }
        *slot = p->s;
    }
    if (!*file) {
        gvReportError(error, GV_ERR_INVALID_ARG,
                      "%s needs a 'file' parameter: genvirt has no default save location", api);
        return -1;
    }
    return 0;
}

static int
gvSaveDo(gvCall *call, const gvRemoteDomain *dom, const char *to, const char *dxml,
         unsigned int flags, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, dom, error);

    return obj ? gvQemuSave(call->daemon->drv, obj, to, dxml, flags, error) : -1;
}

int
gvProcDomainSave(gvCall *call, const gvDomainSaveArgs *args, gvRpcVoid *ret, GError **error)
{
    return gvSaveDo(call, &args->dom, args->to, NULL, 0, error);
}

int
gvProcDomainSaveFlags(gvCall *call, const gvDomainSaveFlagsArgs *args, gvRpcVoid *ret,
                      GError **error)
{
    return gvSaveDo(call, &args->dom, args->to, args->dxml, args->flags, error);
}

int
gvProcDomainSaveParams(gvCall *call, const gvDomainSaveParamsArgs *args, gvRpcVoid *ret,
                       GError **error)
{
    const char *file;
    const char *dxml;

    if (gvSaveParams(args->params, "virDomainSaveParams", &file, &dxml, error) < 0)
        return -1;
    return gvSaveDo(call, &args->dom, file, dxml, args->flags, error);
}

int
gvProcDomainRestore(gvCall *call, const gvDomainRestoreArgs *args, gvRpcVoid *ret, GError **error)
{
    return gvQemuRestore(call->daemon->drv, args->from, NULL, 0, error);
}

int
gvProcDomainRestoreFlags(gvCall *call, const gvDomainRestoreFlagsArgs *args, gvRpcVoid *ret,
                         GError **error)
{
    return gvQemuRestore(call->daemon->drv, args->from, args->dxml, args->flags, error);
}

int
gvProcDomainRestoreParams(gvCall *call, const gvDomainRestoreParamsArgs *args, gvRpcVoid *ret,
                          GError **error)
{
    const char *file;
    const char *dxml;

    if (gvSaveParams(args->params, "virDomainRestoreParams", &file, &dxml, error) < 0)
        return -1;
    return gvQemuRestore(call->daemon->drv, file, dxml, args->flags, error);
}

int
gvProcDomainSaveImageGetXMLDesc(gvCall *call, const gvSaveImageGetXMLDescArgs *args,
                                gvStringRet *ret, GError **error)
{
    if (gvCallCheckFlags(call, args->flags, GV_DOMAIN_SAVE_IMAGE_XML_SECURE, error) < 0)
        return -1;
    /* only read-write connections get here: they see the GUID, as with GET_XML_DESC */
    ret->str = gvQemuSaveImageGetXMLDesc(args->file, true, error);
    return ret->str ? 0 : -1;
}

int
gvProcDomainSaveImageDefineXML(gvCall *call, const gvSaveImageDefineXMLArgs *args, gvRpcVoid *ret,
                               GError **error)
{
    return gvQemuSaveImageDefineXML(args->file, args->dxml, args->flags, error);
}

/* ---- the managed save image -------------------------------------------------- */

int
gvProcDomainManagedSave(gvCall *call, const gvDomainFlagsArgs *args, gvRpcVoid *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    return obj ? gvQemuManagedSave(call->daemon->drv, obj, args->flags, error) : -1;
}

int
gvProcDomainHasManagedSaveImage(gvCall *call, const gvDomainFlagsArgs *args, gvIntRet *ret,
                                GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    if (!obj || gvCallCheckFlags(call, args->flags, 0, error) < 0)
        return -1;
    gvDomainObjLock(obj);
    ret->num = gvQemuManagedSaveExists(obj) ? 1 : 0;
    gvDomainObjUnlock(obj);
    return 0;
}

int
gvProcDomainManagedSaveRemove(gvCall *call, const gvDomainFlagsArgs *args, gvRpcVoid *ret,
                              GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    return obj ? gvQemuManagedSaveRemove(call->daemon->drv, obj, args->flags, error) : -1;
}

int
gvProcDomainManagedSaveGetXMLDesc(gvCall *call, const gvDomainFlagsArgs *args, gvStringRet *ret,
                                  GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    if (!obj || gvCallCheckFlags(call, args->flags, GV_DOMAIN_SAVE_IMAGE_XML_SECURE, error) < 0)
        return -1;
    /* as libvirt: read-only connections may read it, without the secrets */
    if ((args->flags & GV_DOMAIN_SAVE_IMAGE_XML_SECURE) && call->readonly) {
        gvReportError(error, GV_ERR_OPERATION_DENIED,
                      "virDomainManagedSaveGetXMLDesc with secure flag");
        return -1;
    }
    /* read-write connections see the GUID, read-only ones never (DESIGN.md 2.5) */
    ret->str = gvQemuManagedSaveGetXMLDesc(call->daemon->drv, obj, !call->readonly, error);
    return ret->str ? 0 : -1;
}

int
gvProcDomainManagedSaveDefineXML(gvCall *call, const gvManagedSaveDefineXMLArgs *args,
                                 gvRpcVoid *ret, GError **error)
{
    g_autoptr(gvDomainObj) obj = gvCallLookupDomain(call, &args->dom, error);

    return obj ? gvQemuManagedSaveDefineXML(call->daemon->drv, obj, args->dxml, args->flags, error)
               : -1;
}
