/*
 * domain_obj.c: live domain objects and the list of them
 */
#include <gvconfig.h>

#include <string.h>

#include "domain_obj.h"
#include "gverror.h"

gvDomainObj *
gvDomainObjNew(gvDomainDef *def)
{
    gvDomainObj *obj = g_new0(gvDomainObj, 1);

    obj->ref = 1;
    g_mutex_init(&obj->lock);
    obj->def = def;
    obj->state = GV_DOMAIN_SHUTOFF;
    obj->reason = GV_DOMAIN_SHUTOFF_UNKNOWN;
    g_cond_init(&obj->jobCond);
    return obj;
}

gvDomainObj *
gvDomainObjRef(gvDomainObj *obj)
{
    g_atomic_int_inc(&obj->ref);
    return obj;
}

void
gvDomainObjUnref(gvDomainObj *obj)
{
    if (!obj || !g_atomic_int_dec_and_test(&obj->ref))
        return;
    if (obj->priv && obj->privFree)
        obj->privFree(obj->priv);
    gvDomainDefFree(obj->def);
    gvDomainDefFree(obj->newDef);
    g_cond_clear(&obj->jobCond);
    g_mutex_clear(&obj->lock);
    g_free(obj);
}

bool
gvDomainObjIsActive(const gvDomainObj *obj)
{
    return obj->def->id > 0;
}

int
gvDomainObjBeginJob(gvDomainObj *obj, const char *job, unsigned int timeoutMs, GError **error)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)timeoutMs * 1000;

    while (obj->jobActive) {
        if (!g_cond_wait_until(&obj->jobCond, &obj->lock, deadline) && obj->jobActive) {
            gvReportError(error, GV_ERR_OPERATION_TIMEOUT,
                          "cannot acquire state change lock (held by %s) on domain '%s'",
                          obj->jobName ? obj->jobName : "another job", obj->def->name);
            return -1;
        }
    }
    obj->jobActive = true;
    obj->jobName = job;
    return 0;
}

void
gvDomainObjEndJob(gvDomainObj *obj)
{
    obj->jobActive = false;
    obj->jobName = NULL;
    g_cond_broadcast(&obj->jobCond);
}

const gvDomainDef *
gvDomainObjGetPersistentDef(const gvDomainObj *obj)
{
    return obj->newDef ? obj->newDef : obj->def;
}

static guint
gvUUIDHash(gconstpointer key)
{
    guint h;

    memcpy(&h, key, sizeof(h)); /* random bytes: any four will do */
    return h;
}

static gboolean
gvUUIDEqual(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, GV_UUID_BUFLEN) == 0;
}

gvDomainObjList *
gvDomainObjListNew(void)
{
    gvDomainObjList *list = g_new0(gvDomainObjList, 1);

    g_mutex_init(&list->lock);
    list->byUUID =
        g_hash_table_new_full(gvUUIDHash, gvUUIDEqual, g_free, (GDestroyNotify)gvDomainObjUnref);
    list->byName = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return list;
}

void
gvDomainObjListFree(gvDomainObjList *list)
{
    if (!list)
        return;
    g_hash_table_unref(list->byName);
    g_hash_table_unref(list->byUUID);
    g_mutex_clear(&list->lock);
    g_free(list);
}

static gvDomainObj *
gvDomainObjListRefOrNull(gvDomainObj *obj)
{
    return obj ? gvDomainObjRef(obj) : NULL;
}

gvDomainObj *
gvDomainObjListFindByUUID(gvDomainObjList *list, const unsigned char *uuid)
{
    gvDomainObj *obj;

    g_mutex_lock(&list->lock);
    obj = gvDomainObjListRefOrNull(g_hash_table_lookup(list->byUUID, uuid));
    g_mutex_unlock(&list->lock);
    return obj;
}

gvDomainObj *
gvDomainObjListFindByName(gvDomainObjList *list, const char *name)
{
    gvDomainObj *obj;

    g_mutex_lock(&list->lock);
    obj = gvDomainObjListRefOrNull(g_hash_table_lookup(list->byName, name));
    g_mutex_unlock(&list->lock);
    return obj;
}

gvDomainObj *
gvDomainObjListFindByID(gvDomainObjList *list, int id)
{
    GHashTableIter iter;
    gpointer value;
    gvDomainObj *found = NULL;

    if (id <= 0)
        return NULL;
    g_mutex_lock(&list->lock);
    g_hash_table_iter_init(&iter, list->byUUID);
    while (!found && g_hash_table_iter_next(&iter, NULL, &value)) {
        gvDomainObj *obj = value;

        gvDomainObjLock(obj);
        if (obj->def->id == id)
            found = gvDomainObjRef(obj);
        gvDomainObjUnlock(obj);
    }
    g_mutex_unlock(&list->lock);
    return found;
}

void
gvDomainObjListAdd(gvDomainObjList *list, gvDomainObj *obj)
{
    g_mutex_lock(&list->lock);
    g_hash_table_insert(list->byUUID, g_memdup2(obj->def->uuid, GV_UUID_BUFLEN),
                        gvDomainObjRef(obj));
    g_hash_table_insert(list->byName, g_strdup(obj->def->name), obj);
    g_mutex_unlock(&list->lock);
}

void
gvDomainObjListRemove(gvDomainObjList *list, gvDomainObj *obj)
{
    g_mutex_lock(&list->lock);
    if (g_hash_table_lookup(list->byName, obj->def->name) == obj)
        g_hash_table_remove(list->byName, obj->def->name);
    g_hash_table_remove(list->byUUID, obj->def->uuid);
    g_mutex_unlock(&list->lock);
}

bool
gvDomainObjListRename(gvDomainObjList *list, gvDomainObj *obj, const char *oldName,
                      const char *newName)
{
    bool ok = false;

    g_mutex_lock(&list->lock);
    if (!g_hash_table_contains(list->byName, newName)) {
        if (g_hash_table_lookup(list->byName, oldName) == obj)
            g_hash_table_remove(list->byName, oldName);
        g_hash_table_insert(list->byName, g_strdup(newName), obj);
        ok = true;
    }
    g_mutex_unlock(&list->lock);
    return ok;
}

GPtrArray *
gvDomainObjListCollect(gvDomainObjList *list)
{
    GPtrArray *ret = g_ptr_array_new_with_free_func((GDestroyNotify)gvDomainObjUnref);
    GHashTableIter iter;
    gpointer value;

    g_mutex_lock(&list->lock);
    g_hash_table_iter_init(&iter, list->byUUID);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        g_ptr_array_add(ret, gvDomainObjRef(value));
    g_mutex_unlock(&list->lock);
    return ret;
}

guint
gvDomainObjListCount(gvDomainObjList *list)
{
    guint n;

    g_mutex_lock(&list->lock);
    n = g_hash_table_size(list->byUUID);
    g_mutex_unlock(&list->lock);
    return n;
}
