"""The real VGG-16 loads; a VGG-19 is read from synthetic Keras and torchvision files."""

import h5py
import numpy as np
import pytest
import torch

from harmonize.file_digest import file_hexdigest
from harmonize.method.network_weights import WeightsError, load_network
from harmonize.method.network_weights.hed_vgg16 import HED_WEIGHTS_SHA256, locate_hed_weights
from harmonize.method.vgg import BLOCKS, conv_names, to_caffe

WIDTHS = (2, 3, 4, 5, 5)  # a narrow VGG-19: same layout, tiny files


def narrow_vgg19(seed=0):
    rng = np.random.default_rng(seed)
    layers, c_in = [], 3
    for block, count in enumerate(BLOCKS["vgg19"]):
        for _ in range(count):
            c_out = WIDTHS[block]
            layers.append(
                (rng.normal(size=(3, 3, c_in, c_out)).astype(np.float32), rng.normal(size=c_out).astype(np.float32))
            )
            c_in = c_out
    return layers


def test_the_default_vgg16_is_verified_and_gives_the_expected_shapes(vgg16):
    assert file_hexdigest(locate_hed_weights(), "sha256") == HED_WEIGHTS_SHA256
    feats = vgg16.run(to_caffe(np.random.default_rng(0).random((50, 37, 3))))
    expected = {
        "relu1_1": (64, 50, 37),
        "relu2_1": (128, 25, 19),
        "relu3_1": (256, 13, 10),
        "relu4_1": (512, 7, 5),
        "relu5_1": (512, 4, 3),
    }  # ceil-mode pooling
    for layer, shape in expected.items():
        assert tuple(feats[layer].shape[1:]) == shape
    assert vgg16.layer_sizes(50, 37)["relu5_1"] == (4, 3)


def test_keras2_vgg19_file(tmp_path):
    layers = narrow_vgg19()
    path = tmp_path / "vgg19_keras2.h5"
    with h5py.File(path, "w") as h5:
        names = []
        for i, (kernel, bias) in enumerate(layers):
            name = f"block_conv{i}"
            names.append(name.encode())
            group = h5.create_group(name)
            group.attrs["weight_names"] = [f"{name}/kernel:0".encode(), f"{name}/bias:0".encode()]
            group.create_dataset(f"{name}/kernel:0", data=kernel)
            group.create_dataset(f"{name}/bias:0", data=bias)
            if i in (1, 3):  # a pooling layer in between has no weights
                names.append(f"pool{i}".encode())
                h5.create_group(f"pool{i}").attrs["weight_names"] = []
        h5.attrs["layer_names"] = names
    net = load_network(path)
    assert net.arch == "vgg19" and net.input_space == "caffe"
    np.testing.assert_array_equal(net.convs["conv5_1"].weight.numpy(), layers[12][0].transpose(3, 2, 0, 1))
    np.testing.assert_array_equal(net.convs["conv3_2"].weight.numpy(), layers[5][0].transpose(3, 2, 0, 1))
    feats = net.run(to_caffe(np.zeros((32, 32, 3))))
    assert tuple(feats["relu5_1"].shape) == (1, 5, 2, 2)


def test_keras3_vgg19_file(tmp_path):
    layers = narrow_vgg19(1)
    path = tmp_path / "vgg19_keras3.weights.h5"
    with h5py.File(path, "w") as h5:
        for i, (kernel, bias) in enumerate(layers):
            suffix = "" if i == 0 else f"_{i}"
            h5.create_dataset(f"layers/conv2d{suffix}/vars/0", data=kernel)
            h5.create_dataset(f"layers/conv2d{suffix}/vars/1", data=bias)
    net = load_network(path)
    np.testing.assert_array_equal(net.convs["conv4_3"].bias.numpy(), layers[conv_names("vgg19").index("conv4_3")][1])


def test_torchvision_vgg19_file(tmp_path):
    layers = narrow_vgg19(2)
    state, index = {}, 0
    for count in BLOCKS["vgg19"]:
        for _ in range(count):
            kernel, bias = layers.pop(0)
            state[f"features.{index}.weight"] = torch.from_numpy(kernel.transpose(3, 2, 0, 1).copy())
            state[f"features.{index}.bias"] = torch.from_numpy(bias)
            index += 2  # conv, relu
        index += 1  # pool
    state["classifier.0.weight"] = torch.zeros(4, 4)
    path = tmp_path / "vgg19.pth"
    torch.save(state, path)
    net = load_network(path)
    assert net.input_space == "torchvision"
    torch.testing.assert_close(net.convs["conv2_2"].weight, state["features.7.weight"])
    # A mid-grey Caffe-space image reaches the network as torchvision-normalised RGB.
    grey = to_caffe(np.full((8, 8, 3), 0.5))
    expected = (0.5 - torch.tensor([0.485, 0.456, 0.406])) / torch.tensor([0.229, 0.224, 0.225])
    torch.testing.assert_close(net._adapt_input(grey)[0, :, 0, 0], expected)


def test_bad_weights_files_say_what_to_do(tmp_path):
    with pytest.raises(WeightsError, match="not found"):
        load_network(tmp_path / "missing.h5")
    other = tmp_path / "model.onnx"
    other.write_bytes(b"x")
    with pytest.raises(WeightsError, match="Keras .h5 or a torchvision .pth"):
        load_network(other)
    short = tmp_path / "short.h5"
    with h5py.File(short, "w") as h5:
        h5.create_dataset("layers/conv2d/vars/0", data=np.zeros((3, 3, 3, 2), np.float32))
        h5.create_dataset("layers/conv2d/vars/1", data=np.zeros(2, np.float32))
    with pytest.raises(WeightsError, match="a VGG-19 has 16"):
        load_network(short)
