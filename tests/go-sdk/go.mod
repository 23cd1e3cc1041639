module fstage-go-sdk-tests

go 1.19

require huaweicloud.com/go-runtime v0.0.0

replace huaweicloud.com/go-runtime => ../../sdk/go-runtime
