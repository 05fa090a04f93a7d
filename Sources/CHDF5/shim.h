#ifndef PIPELINE_CHDF5_SHIM_H
#define PIPELINE_CHDF5_SHIM_H
#include <hdf5.h>

/* Swift 6 rejects HDF5's mutable `_g` globals and cannot import the macros that wrap them (or that cast),
   so each value the Swift layer needs is exposed through a tiny inline function. Calling the macro here also
   keeps its implicit H5open(). */

static inline hid_t pl_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t pl_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t pl_h5t_native_int32(void) { return H5T_NATIVE_INT32; }
static inline hid_t pl_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
static inline hid_t pl_h5t_native_uint8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t pl_h5t_native_int8(void) { return H5T_NATIVE_INT8; }
static inline hid_t pl_h5t_c_s1(void) { return H5T_C_S1; }
static inline size_t pl_h5t_variable(void) { return H5T_VARIABLE; }

static inline unsigned pl_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline unsigned pl_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned pl_h5f_acc_rdwr(void) { return H5F_ACC_RDWR; }

static inline hid_t pl_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t pl_h5s_all(void) { return H5S_ALL; }
static inline hid_t pl_h5e_default(void) { return H5E_DEFAULT; }

static inline hid_t pl_h5p_file_create(void) { return H5P_FILE_CREATE; }
static inline hid_t pl_h5p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t pl_h5p_group_create(void) { return H5P_GROUP_CREATE; }
static inline hid_t pl_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
static inline hid_t pl_h5p_dataset_access(void) { return H5P_DATASET_ACCESS; }

#endif
