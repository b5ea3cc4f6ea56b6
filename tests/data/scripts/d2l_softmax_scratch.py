"""《动手学深度学习》3.6 softmax 回归的从零开始实现（四个样本、三个类别的小数据集）。"""
import torch

num_inputs, num_outputs = 4, 3
# 从零开始：W 和 b 是需要梯度的叶子张量（书中用正态分布初始化，这里取固定值）
W = torch.tensor([[0.01, -0.02, 0.03],
                  [0.02, 0.01, -0.01],
                  [-0.03, 0.02, 0.01],
                  [0.00, 0.01, -0.02]], requires_grad=True)
b = torch.zeros(num_outputs, requires_grad=True)


def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition  # 这里应用了广播机制


def net(X):
    return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)


def cross_entropy(y_hat, y):
    return -torch.log(y_hat[range(len(y_hat)), y])


def sgd(params, lr, batch_size):
    """小批量随机梯度下降"""
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


X = torch.tensor([[1.0, 0.0, 0.5, 0.2],
                  [0.0, 1.0, 0.3, 0.9],
                  [0.4, 0.2, 1.0, 0.0],
                  [0.9, 0.1, 0.0, 0.3]])
y = torch.tensor([0, 1, 2, 0])
lr = 0.1

for epoch in range(50):
    y_hat = net(X)
    l = cross_entropy(y_hat, y)
    l.sum().backward()  # 小批量的损失是一个向量，求和后再反向传播
    sgd([W, b], lr, X.shape[0])

print(l.mean().item())
